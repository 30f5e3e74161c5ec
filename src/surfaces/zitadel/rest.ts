import { type DescMessage, fromJson, type JsonValue, type MessageShape, toJson } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  CreateSessionRequestSchema,
  CreateSessionResponseSchema,
  DeleteSessionRequestSchema,
  DeleteSessionResponseSchema,
  GetSessionRequestSchema,
  GetSessionResponseSchema,
  ListSessionsRequestSchema,
  ListSessionsResponseSchema,
  SetSessionRequestSchema,
  SetSessionResponseSchema,
} from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logFailure } from '../../server/errors.js';
import { jsonBody } from '../../server/json-body.js';
import { MethodNotAllowedError, routeMissing } from '../../server/routes.js';
import type { App, SurfaceContext } from '../../server/surface.js';
import { InvalidUtf8BodyError, UnsupportedCharsetError } from '../../server/utf8-body.js';
import { type CallInfo, httpStatusOfCode, toConnectError, ZitadelSessionApi, zitadelError } from './service.js';

/** ZITADEL's REST error body: `{code, message, details:[{"@type", id, message}]}`. */
export function restErrorBody(err: ConnectError) {
  const detail = err.details[0];
  const id = detail && 'value' in detail ? String((detail.value as { id?: string }).id ?? '') : '';
  return {
    code: err.code,
    message: err.rawMessage,
    details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id, message: err.rawMessage }],
  };
}

function sendConnectError(reply: FastifyReply, err: ConnectError, o: { allow?: readonly string[] } = {}) {
  const retryAfter = err.metadata.get('retry-after');
  if (retryAfter !== null) void reply.header('retry-after', retryAfter);
  // grpc-gateway (ZITADEL's REST front) says Unimplemented "Method Not Allowed" for a method a path lacks; over HTTP that is 405.
  if (o.allow) void reply.header('allow', o.allow.join(', '));
  return reply
    .code(o.allow ? 405 : (httpStatusOfCode[err.code] ?? 500))
    .type('application/json; charset=utf-8')
    .send(restErrorBody(err));
}

/** Fastify's own errors (bad JSON, body too large, wrong content type) as gRPC codes. */
function fromFastify(err: FastifyError | null): ConnectError | null {
  const status = err?.statusCode;
  if (!err) return null;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  if (err instanceof InvalidUtf8BodyError) return zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', err.message);
  if (err instanceof UnsupportedCharsetError) return zitadelError(Code.InvalidArgument, 'SESSIOND-unsupported_media_type', err.message);
  if (status === 413) return zitadelError(Code.InvalidArgument, 'SESSIOND-payload_too_large', 'the request body is too large');
  if (status === 415) return zitadelError(Code.InvalidArgument, 'SESSIOND-unsupported_media_type', 'send the body as application/json');
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', 'the JSON body is empty');
  if (err.code === 'FST_ERR_BAD_URL')
    return zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', 'the URL path is not valid (bad percent-encoding)');
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', 'a path parameter is longer than 200 characters');
  return zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', 'the body is not valid JSON');
}

/** A request message from JSON in protobuf's canonical mapping; unknown fields and wrong types are InvalidArgument. */
function parse<D extends DescMessage>(schema: D, json: unknown): MessageShape<D> {
  try {
    return fromJson(schema, (json ?? {}) as JsonValue);
  } catch (e) {
    throw zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', `invalid request: ${(e as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bodyObject(body: unknown, optional = false): Record<string, unknown> {
  if (body === undefined && optional) return {};
  if (!isObject(body)) throw zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', 'the body must be a JSON object');
  return body;
}

/**
 * The REST mapping of the SessionService under /v2/sessions (grpc-gateway style, as ZITADEL
 * serves it): same implementation as the RPCs, JSON in protobuf's canonical mapping.
 */
/** Every error of the REST mapping in ZITADEL's shape (also used for the framework's own URL errors). */
export function zitadelRestErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof MethodNotAllowedError) {
    return sendConnectError(reply, zitadelError(Code.Unimplemented, 'SESSIOND-method_not_allowed', 'Method Not Allowed'), { allow: err.allow });
  }
  const ce = err instanceof ConnectError ? err : (fromFastify(err as FastifyError) ?? toConnectError(err));
  if ((httpStatusOfCode[ce.code] ?? 500) >= 500) logFailure(req.log, err);
  return sendConnectError(reply, ce);
}

export async function zitadelRest(app: App, deps: SurfaceContext) {
  const api = new ZitadelSessionApi(deps.core, deps.rateLimits);
  const call = async (req: FastifyRequest): Promise<CallInfo> => ({
    auth: (await deps.auth.authenticate(req)) ?? deps.defaultAuth ?? null,
    client: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBody(app));
  app.setErrorHandler(zitadelRestErrorHandler);
  app.setNotFoundHandler((req, reply) => zitadelRestErrorHandler(routeMissing(req), req, reply));

  const hide = { schema: { hide: true } };
  app.post('/', hide, async (req, reply) => {
    const c = await call(req);
    const res = await api.createSession(parse(CreateSessionRequestSchema, bodyObject(req.body)), c);
    return reply.code(201).send(toJson(CreateSessionResponseSchema, res));
  });
  app.post('/search', hide, async (req) => {
    const c = await call(req);
    const res = await api.listSessions(parse(ListSessionsRequestSchema, bodyObject(req.body, true)), c);
    return toJson(ListSessionsResponseSchema, res);
  });
  app.patch<{ Params: { sessionId: string } }>('/:sessionId', hide, async (req) => {
    const c = await call(req);
    const body = { ...bodyObject(req.body), sessionId: req.params.sessionId };
    const res = await api.setSession(parse(SetSessionRequestSchema, body), c);
    return toJson(SetSessionResponseSchema, res);
  });
  app.get<{ Params: { sessionId: string }; Querystring: Record<string, unknown> }>('/:sessionId', hide, async (req) => {
    const c = await call(req);
    const token = req.query.sessionToken;
    const res = await api.getSession(
      parse(GetSessionRequestSchema, { sessionId: req.params.sessionId, ...(token !== undefined ? { sessionToken: token } : {}) }),
      c,
    );
    return toJson(GetSessionResponseSchema, res);
  });
  app.delete<{ Params: { sessionId: string } }>('/:sessionId', hide, async (req) => {
    const c = await call(req);
    const body = { ...bodyObject(req.body, true), sessionId: req.params.sessionId };
    const res = await api.deleteSession(parse(DeleteSessionRequestSchema, body), c);
    return toJson(DeleteSessionResponseSchema, res);
  });
}
