import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { NewCredentialSchema } from '../../core/credentials.js';
import { NewOrganizationSchema } from '../../core/organizations.js';
import { type Policy, PolicyPatchSchema, PolicySchema, policyWarnings } from '../../core/policy.js';
import { READ, WRITE } from './openapi.js';
import type { App, NativeDeps } from './types.js';
import { CredentialView, EventView, IdParam, OrganizationView } from './views.js';

/** Policy, organizations, credentials and the audit log. */
export function adminRoutes(app: App, { core, views }: NativeDeps) {
  const { credentialView, eventView, organizationView } = views;
  app.get(
    '/policy',
    { schema: { operationId: 'getPolicy', summary: 'The instance policy', tags: ['policy'], response: { 200: PolicySchema }, errors: READ } },
    async (req) => core.policies.readInstance(req.auth),
  );
  app.put(
    '/policy',
    {
      schema: {
        operationId: 'replacePolicy',
        summary: 'Replace the instance policy',
        tags: ['policy'],
        body: PolicySchema,
        response: { 200: PolicySchema },
        errors: WRITE,
      },
    },
    async (req, reply) => warned(reply, await core.policies.putInstance(req.auth, req.body)),
  );
  app.patch(
    '/policy',
    {
      schema: {
        operationId: 'updatePolicy',
        summary: 'Change fields of the instance policy',
        tags: ['policy'],
        body: PolicyPatchSchema,
        response: { 200: PolicySchema },
        errors: WRITE,
      },
    },
    async (req, reply) => warned(reply, await core.policies.patchInstance(req.auth, req.body)),
  );

  // The effective policy in canonical fields, plus which organization and what it overrides.
  const OrgPolicy = Type.Object(
    { ...PolicySchema.properties, organizationId: Type.String(), override: Type.Union([PolicyPatchSchema, Type.Null()]) },
    { title: 'OrganizationPolicy' },
  );
  const orgPolicy = (id: string) => ({ ...core.policies.effective(id), organizationId: id, override: core.policies.overrideOf(id) });
  app.get(
    '/organizations/:id/policy',
    {
      schema: {
        operationId: 'getOrganizationPolicy',
        summary: "An organization's effective policy and its override",
        tags: ['policy'],
        params: IdParam,
        response: { 200: OrgPolicy },
        errors: [...READ, 404],
      },
    },
    async (req) => {
      const org = await core.organizations.getForPolicy(req.auth, req.params.id);
      return orgPolicy(org.id);
    },
  );
  // PUT replaces the override, PATCH merges into it: one handler, the core decides.
  for (const [method, replace, operationId, summary] of [
    ['PUT', true, 'replaceOrganizationPolicy', "Replace an organization's override"],
    ['PATCH', false, 'updateOrganizationPolicy', "Change fields of an organization's override"],
  ] as const) {
    app.route({
      method,
      url: '/organizations/:id/policy',
      schema: { operationId, summary, tags: ['policy'], params: IdParam, body: PolicyPatchSchema, response: { 200: OrgPolicy }, errors: [...WRITE, 404] },
      handler: async (req, reply) => {
        warned(reply, await core.policies.setOverride(req.auth, req.params.id, req.body, replace));
        return orgPolicy(req.params.id);
      },
    });
  }
  app.delete(
    '/organizations/:id/policy',
    {
      schema: {
        operationId: 'deleteOrganizationPolicy',
        summary: "Remove an organization's override",
        tags: ['policy'],
        params: IdParam,
        response: { 200: OrgPolicy },
        errors: [...WRITE, 404],
      },
    },
    async (req, reply) => {
      warned(reply, await core.policies.deleteOverride(req.auth, req.params.id));
      return orgPolicy(req.params.id);
    },
  );

  app.post(
    '/organizations',
    {
      schema: {
        operationId: 'createOrganization',
        summary: 'Create an organization',
        tags: ['organizations'],
        body: NewOrganizationSchema,
        response: { 201: OrganizationView },
        errors: [...WRITE, 409],
      },
    },
    async (req, reply) => {
      const org = await core.organizations.create(req.auth, req.body);
      return reply.code(201).send(organizationView(org, core.policies.effective(org.id)));
    },
  );
  app.get(
    '/organizations',
    {
      schema: {
        operationId: 'listOrganizations',
        summary: 'List organizations',
        tags: ['organizations'],
        response: { 200: Type.Object({ items: Type.Array(OrganizationView) }) },
        errors: READ,
      },
    },
    async (req) => ({ items: (await core.organizations.list(req.auth)).map((o) => organizationView(o, core.policies.effective(o.id))) }),
  );
  app.get(
    '/organizations/:id',
    {
      schema: {
        operationId: 'getOrganization',
        summary: 'Get an organization',
        tags: ['organizations'],
        params: IdParam,
        response: { 200: OrganizationView },
        errors: [...READ, 404],
      },
    },
    async (req) => {
      const o = await core.organizations.get(req.auth, req.params.id);
      return organizationView(o, core.policies.effective(o.id));
    },
  );
  app.delete(
    '/organizations/:id',
    {
      schema: {
        operationId: 'deleteOrganization',
        summary: 'Delete an organization without users',
        tags: ['organizations'],
        params: IdParam,
        response: { 204: Type.Null() },
        errors: [...WRITE, 404, 409],
      },
    },
    async (req, reply) => {
      await core.organizations.delete(req.auth, req.params.id);
      return reply.code(204).send(null);
    },
  );

  const CreatedCredential = Type.Object({ ...CredentialView.properties, secret: Type.String({ description: 'Shown this once; stored only as a hash.' }) });
  app.post(
    '/credentials',
    {
      schema: {
        operationId: 'createCredential',
        summary: 'Create an API credential',
        tags: ['credentials'],
        body: NewCredentialSchema,
        response: { 201: CreatedCredential },
        errors: [...WRITE, 404],
      },
    },
    async (req, reply) => {
      const { credential, secret } = await core.credentials.create(req.auth, req.body);
      return reply.code(201).send({ ...credentialView(credential), secret });
    },
  );
  app.get(
    '/credentials',
    {
      schema: {
        operationId: 'listCredentials',
        summary: 'List credentials (never their secrets)',
        tags: ['credentials'],
        response: { 200: Type.Object({ items: Type.Array(CredentialView) }) },
        errors: READ,
      },
    },
    async (req) => ({ items: (await core.credentials.list(req.auth)).map(credentialView) }),
  );
  app.delete(
    '/credentials/:id',
    {
      schema: {
        operationId: 'revokeCredential',
        summary: 'Revoke a credential (by id or client id)',
        tags: ['credentials'],
        params: IdParam,
        response: { 204: Type.Null() },
        errors: [...WRITE, 404],
      },
    },
    async (req, reply) => {
      await core.credentials.revoke(req.auth, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/credentials/:id/rotate',
    {
      schema: {
        operationId: 'rotateCredential',
        summary: 'Give a credential a new secret',
        tags: ['credentials'],
        params: IdParam,
        response: { 200: CreatedCredential },
        errors: [...WRITE, 404, 409],
      },
    },
    async (req) => {
      const { credential, secret } = await core.credentials.rotate(req.auth, req.params.id);
      return { ...credentialView(credential), secret };
    },
  );

  app.get(
    '/events',
    {
      schema: {
        operationId: 'listEvents',
        summary: 'The audit log, oldest first; page with afterId',
        tags: ['audit'],
        querystring: Type.Object(
          {
            aggregateType: Type.Optional(Type.String({ maxLength: 32 })),
            aggregateId: Type.Optional(Type.String({ maxLength: 128 })),
            type: Type.Optional(Type.String({ maxLength: 64 })),
            actor: Type.Optional(Type.String({ maxLength: 200 })),
            organizationId: Type.Optional(Type.String({ maxLength: 64 })),
            since: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
            until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
            afterId: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(EventView), nextAfterId: Type.Union([Type.Integer(), Type.Null()]) }) },
        errors: READ,
      },
    },
    async (req) => {
      const { since, until, ...q } = req.query;
      const items = await core.events.list(req.auth, {
        ...q,
        ...(since ? { sinceMs: Date.parse(since) } : {}),
        ...(until ? { untilMs: Date.parse(until) } : {}),
      });
      const last = items.at(-1);
      return { items: items.map(eventView), nextAfterId: items.length === q.limit && last ? last.id : null };
    },
  );
}

/**
 * A saved policy that is valid but partly meaningless (`policyWarnings`) is answered with one
 * `Warning: 299 sessiond "<field> <message>"` header per finding (RFC 7234's form, as Kubernetes
 * answers API warnings): the body keeps the policy's own shape, so a client that reads a policy
 * and writes it back never meets an unknown field.
 */
function warned(reply: FastifyReply, policy: Policy): Policy {
  const warnings = policyWarnings(policy);
  if (warnings.length)
    void reply.header(
      'warning',
      warnings.map((w) => `299 sessiond "${w.field} ${w.message.replaceAll('"', "'")}"`),
    );
  return policy;
}
