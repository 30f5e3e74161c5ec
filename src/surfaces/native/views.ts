import Type, { type Static, type TSchema } from 'typebox';
import { errorCodes } from '../../core/errors.js';
import type { LockState } from '../../core/lockout.js';
import type { Policy } from '../../core/policy.js';
import { PolicyPatchSchema, PolicySchema } from '../../core/policy.js';
import type { Credential, EventRecord, Organization, User } from '../../core/ports.js';
import { type IntrospectResult, isActiveSession, type SessionInfo } from '../../core/sessions.js';
import type { Formats } from '../shared/formats.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

export const SessionView = Type.Object(
  {
    id: Type.String(),
    subjectType: Type.Union([Type.Literal('user'), Type.Literal('credential')]),
    userId: Nullable(Type.String()),
    credentialId: Nullable(Type.String()),
    subjectName: Type.Optional(Nullable(Type.String({ description: "In lists: the user's login name or the credential's name (null when deleted)." }))),
    device: Type.Optional(
      Type.Object(
        { browser: Nullable(Type.String()), operatingSystem: Nullable(Type.String()), platform: Nullable(Type.String()) },
        { description: 'In lists: the device, read from the user agent.' },
      ),
    ),
    organizationId: Type.String(),
    role: Type.String(),
    persistent: Type.Boolean(),
    active: Type.Boolean({ description: 'Whether the current policy considers the session active now.' }),
    endReason: Nullable(Type.String({ description: 'expired, idle_timeout, revoked or evicted; null while active.' })),
    createdAt: Time,
    lastActiveAt: Time,
    expiresAt: Type.String({ format: 'date-time', description: 'Absolute deadline: the session ends then however active it is.' }),
    idleExpiresAt: Nullable(Type.String({ format: 'date-time', description: 'When the session ends if unused from now on; null without idle timeout.' })),
    endedAt: Nullable(Time),
    location: Type.Object({
      ip: Nullable(Type.String()),
      userAgent: Nullable(Type.String()),
      country: Nullable(Type.String()),
      city: Nullable(Type.String()),
      lastIp: Nullable(Type.String()),
    }),
  },
  { title: 'Session' },
);

export const Introspection = Type.Object(
  {
    active: Type.Boolean(),
    reason: Type.Optional(
      Type.Union(
        [
          Type.Literal('expired'),
          Type.Literal('idle_timeout'),
          Type.Literal('revoked'),
          Type.Literal('evicted'),
          Type.Literal('rotated'),
          Type.Literal('unknown'),
        ],
        {
          description:
            'Why the token is not active (only when active is false): `rotated` is a token replaced by `POST /v1/sessions/rotate` (its session may still be active under the new token); `unknown` a token never issued or of a session deleted after its retention.',
        },
      ),
    ),
    session: Type.Optional(SessionView),
  },
  { title: 'Introspection' },
);

export const UserView = Type.Object(
  {
    id: Type.String(),
    loginName: Type.String(),
    displayName: Nullable(Type.String()),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
    organizationId: Type.String(),
    disabled: Type.Boolean(),
    createdAt: Time,
    updatedAt: Time,
    locked: Type.Boolean({ description: 'Locked out for too many wrong passwords: every password check is refused (`POST /v1/users/{id}/unlock` ends it).' }),
    lockedUntil: Nullable(
      Type.String({ format: 'date-time', description: 'When the lock ends by itself; null when not locked, or locked until an administrator unlocks.' }),
    ),
    failedPasswordAttempts: Type.Integer({ description: "Wrong passwords counted toward the policy's `maxFailedPasswordAttempts`." }),
  },
  { title: 'User' },
);
export const CredentialView = Type.Object(
  {
    id: Type.String(),
    clientId: Type.String(),
    name: Type.String(),
    permissions: Type.Array(Type.String()),
    organizationId: Nullable(Type.String()),
    createdAt: Time,
    revokedAt: Nullable(Time),
  },
  { title: 'Credential' },
);
export const OrganizationView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    createdAt: Time,
    policyOverride: Nullable(PolicyPatchSchema),
    effectivePolicy: PolicySchema,
  },
  { title: 'Organization' },
);
export const EventView = Type.Object(
  {
    id: Type.Integer(),
    aggregateType: Type.String(),
    aggregateId: Type.String(),
    sequence: Type.Integer(),
    type: Type.String(),
    actor: Type.String(),
    organizationId: Nullable(Type.String()),
    at: Time,
    data: Type.Object({}, { additionalProperties: true }),
  },
  { title: 'Event' },
);
/** Codes a native error may carry: the domain's, and the transport's own (src/server/errors.ts). */
const errorCodeValues = [...errorCodes, 'payload_too_large', 'unsupported_media_type', 'method_not_allowed'] as const;

/** One problem with one field (`FieldIssue`): error details and policy warnings. */
export const FieldIssueView = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });

/** The body of every /v1 error (`nativeErrorBody`); `Error` in the OpenAPI document. */
export const ErrorView = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(errorCodeValues),
      message: Type.String(),
      requestId: Type.String(),
      details: Type.Array(FieldIssueView),
    }),
  },
  { title: 'Error' },
);

export const Paging = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
});

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
export const TokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });

/** The views of one app's answers, written with its formats (src/surfaces/shared/formats.ts). */
export function nativeViews(f: Formats) {
  const iso = f.isoTime;
  const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

  function sessionView(info: SessionInfo) {
    const { record: r, verdict: v } = info;
    return {
      id: r.id,
      subjectType: r.subjectType,
      userId: r.subjectType === 'user' ? r.subjectId : null,
      credentialId: r.subjectType === 'credential' ? r.subjectId : null,
      organizationId: r.organizationId,
      role: r.role,
      persistent: r.persistent,
      active: v.active,
      endReason: v.active ? null : v.reason,
      createdAt: iso(r.createdAtMs),
      lastActiveAt: iso(r.lastActiveAtMs),
      expiresAt: iso(v.active ? v.absoluteDeadlineMs : v.endedAtMs),
      idleExpiresAt: v.active ? isoOrNull(v.idleDeadlineMs) : null,
      endedAt: v.active ? null : iso(v.endedAtMs),
      location: { ip: r.ip, userAgent: r.userAgent, country: r.country, city: r.city, lastIp: r.lastIp },
    };
  }

  /** A session in a list, with the name of the user or credential it belongs to. */
  const listedSessionView = (names: ReadonlyMap<string, string>) => (info: SessionInfo) => ({
    ...sessionView(info),
    subjectName: names.get(info.record.subjectId) ?? null,
    device: f.describeUserAgent(info.record.userAgent),
  });

  /** The answer of introspection (CONTRACT §4), for the Fastify route and the fast path alike. */
  function introspectionAnswer(r: IntrospectResult): Static<typeof Introspection> {
    return isActiveSession(r) ? { active: true, session: sessionView(r) } : { active: false, reason: r.verdict.reason };
  }

  const userView = (u: User, lock: LockState) => ({
    id: u.id,
    loginName: u.loginName,
    displayName: u.displayName,
    role: u.role,
    organizationId: u.organizationId,
    disabled: u.disabled,
    createdAt: iso(u.createdAtMs),
    updatedAt: iso(u.updatedAtMs),
    locked: lock.locked,
    lockedUntil: isoOrNull(lock.lockedUntilMs),
    failedPasswordAttempts: lock.failedPasswordAttempts,
  });

  const credentialView = (c: Credential) => ({
    id: c.id,
    clientId: c.clientId,
    name: c.name,
    permissions: c.permissions,
    organizationId: c.organizationId,
    createdAt: iso(c.createdAtMs),
    revokedAt: isoOrNull(c.revokedAtMs),
  });

  const organizationView = (o: Organization, effective: Policy) => ({
    id: o.id,
    name: o.name,
    createdAt: iso(o.createdAtMs),
    policyOverride: o.policyOverride,
    effectivePolicy: effective,
  });

  const eventView = (e: EventRecord) => ({
    id: e.id,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    sequence: e.sequence,
    type: e.type,
    actor: e.actor,
    organizationId: e.organizationId,
    at: iso(e.atMs),
    data: e.data,
  });

  return { sessionView, listedSessionView, introspectionAnswer, userView, credentialView, organizationView, eventView };
}

export type NativeViews = ReturnType<typeof nativeViews>;
