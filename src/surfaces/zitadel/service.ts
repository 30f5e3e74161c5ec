import { isIP } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { type Duration, type Timestamp, timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { DetailsSchema } from '@zitadel/proto/zitadel/object/v2/object_pb.js';
import { TimestampQueryMethod } from '@zitadel/proto/zitadel/object_pb.js';
import { type Session, SessionSchema } from '@zitadel/proto/zitadel/session/v2/session_pb.js';
import {
  type Checks,
  type CreateSessionRequest,
  type CreateSessionResponse,
  CreateSessionResponseSchema,
  type DeleteSessionRequest,
  type DeleteSessionResponse,
  DeleteSessionResponseSchema,
  type GetSessionRequest,
  type GetSessionResponse,
  GetSessionResponseSchema,
  type ListSessionsRequest,
  type ListSessionsResponse,
  ListSessionsResponseSchema,
  type SetSessionRequest,
  type SetSessionResponse,
  SetSessionResponseSchema,
} from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { type AuthContext, DEFAULT_ORGANIZATION_ID } from '../../core/auth.js';
import { DomainError, type ErrorCode } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import type { CheckedSession, ReportedAgent, SessionSearch, UserRef } from '../../core/session-checks.js';
import type { ClientInfo } from '../../core/sessions.js';
import { accountKey, limitSignIn, type RateLimits } from '../../server/rate-limits.js';

/** The seed's limit for every string of a request. */
export const MAX_STRING = 200;
export const MAX_METADATA_KEYS = 100;
export const MAX_METADATA_VALUE_BYTES = 16_384;
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1_000;

/** What a transport knows about a call besides its message. */
export interface CallInfo {
  auth: AuthContext | null;
  /** Address and User-Agent header of the HTTP request. */
  client: ClientInfo;
}

/** gRPC status of each domain error code (REST status follows from it, see `httpStatusOfCode`). */
const grpcCodeOf = {
  invalid_argument: Code.InvalidArgument,
  policy_invalid: Code.InvalidArgument,
  invalid_credentials: Code.InvalidArgument,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  failed_precondition: Code.FailedPrecondition,
  session_limit_reached: Code.FailedPrecondition,
  persistent_not_allowed: Code.FailedPrecondition,
  rate_limited: Code.ResourceExhausted,
  unavailable: Code.Unavailable,
  internal: Code.Internal,
} satisfies Record<ErrorCode, Code>;

/** HTTP status of each gRPC code on the REST mapping. */
export const httpStatusOfCode: Record<Code, number> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 412,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** A ConnectError with ZITADEL's ErrorDetail {id, message}; `metadata` goes out as headers (Connect, REST) or trailers (gRPC). */
export function zitadelError(code: Code, id: string, message: string, metadata?: Record<string, string>): ConnectError {
  return new ConnectError(message, code, metadata, [{ desc: ErrorDetailSchema, value: { id, message } }]);
}

/** Turns anything thrown into a ConnectError; unknown errors become a generic Internal (the caller logs every 5xx). */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err instanceof DomainError) {
    const issues = err.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    const metadata = err.retryAfterSeconds !== undefined ? { 'retry-after': String(err.retryAfterSeconds) } : undefined;
    return zitadelError(grpcCodeOf[err.code], `SESSIOND-${err.code}`, issues ? `${err.message} (${issues})` : err.message, metadata);
  }
  return zitadelError(Code.Internal, 'SESSIOND-internal', 'internal error');
}

const invalid = (field: string, message: string) => zitadelError(Code.InvalidArgument, 'SESSIOND-invalid_argument', `${field}: ${message}`);

function checkString(field: string, v: string): string {
  if (v.length === 0) throw invalid(field, 'must not be empty');
  if (v.length > MAX_STRING) throw invalid(field, `must be at most ${MAX_STRING} characters`);
  return v;
}

const optString = (field: string, v: string | undefined): string | undefined => (v === undefined ? undefined : checkString(field, v));

function checkUnsupported(checks: Checks | undefined): void {
  if (!checks) return;
  const unsupported = (['webAuthN', 'idpIntent', 'totp', 'otpSms', 'otpEmail'] as const).filter((k) => checks[k] !== undefined);
  if (unsupported.length) {
    throw zitadelError(
      Code.Unimplemented,
      'SESSIOND-unimplemented',
      `checks.${unsupported[0]} is not supported by sessiond (supported checks: user, password)`,
    );
  }
}

function userRef(checks: Checks | undefined): UserRef | undefined {
  const search = checks?.user?.search;
  if (!checks?.user) return undefined;
  if (search?.case === 'userId') return { userId: checkString('checks.user.userId', search.value) };
  if (search?.case === 'loginName') return { loginName: checkString('checks.user.loginName', search.value) };
  throw invalid('checks.user', 'set userId or loginName');
}

function password(checks: Checks | undefined): string | undefined {
  return checks?.password ? checkString('checks.password.password', checks.password.password) : undefined;
}

/**
 * Map keys that would reach an object's prototype when assigned (`out[k] = v`) are refused, as the
 * REST mapping's JSON parser refuses them: over Connect and gRPC they arrive as ordinary keys.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function checkMapKey(field: string, k: string): void {
  checkString(field, k);
  if (PROTOTYPE_KEYS.has(k)) throw invalid(field, `'${k}' is not allowed`);
}

function metadata(m: Record<string, Uint8Array>): Record<string, string> {
  const entries = Object.entries(m);
  if (entries.length > MAX_METADATA_KEYS) throw invalid('metadata', `at most ${MAX_METADATA_KEYS} keys`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    checkMapKey('metadata key', k);
    if (v.length > MAX_METADATA_VALUE_BYTES) throw invalid(`metadata.${k}`, `at most ${MAX_METADATA_VALUE_BYTES} bytes`);
    out[k] = Buffer.from(v).toString('base64');
  }
  return out;
}

function expiry(lifetime: Duration | undefined, nowMs: number): number | undefined {
  if (!lifetime) return undefined;
  const ms = Number(lifetime.seconds) * 1000 + Math.trunc(lifetime.nanos / 1e6);
  if (!(ms > 0)) throw invalid('lifetime', 'must be greater than 0');
  if (ms > 100 * 365 * 86_400_000) throw invalid('lifetime', 'must be at most 100 years');
  return nowMs + ms;
}

const ts = (ms: number): Timestamp => timestampFromMs(ms);

/**
 * The account a password check tries, for the sign-in limit per account: a login name counts with
 * the native sign-in of the same name (both look it up in the caller's organization, else
 * `default`); a check without a user counts per session.
 */
function accountOf(user: UserRef | undefined, call: CallInfo, sessionId?: string): string {
  if (user?.loginName !== undefined) return accountKey('login', call.auth?.organizationId ?? DEFAULT_ORGANIZATION_ID, user.loginName);
  if (user?.userId !== undefined) return accountKey('user', user.userId);
  return accountKey('session', sessionId ?? '');
}

/** The one implementation of the five calls, shared by the RPC transports and the REST mapping. */
export class ZitadelSessionApi {
  /** `limits`: the sign-in limits of password checks (the API limit is the transport's). */
  constructor(
    private readonly core: Core,
    private readonly limits: RateLimits | null = null,
  ) {}

  async createSession(req: CreateSessionRequest, call: CallInfo): Promise<CreateSessionResponse> {
    checkUnsupported(req.checks);
    if (req.challenges && (req.challenges.webAuthN || req.challenges.otpSms || req.challenges.otpEmail)) {
      throw zitadelError(Code.Unimplemented, 'SESSIOND-unimplemented', 'challenges are not supported by sessiond');
    }
    const user = userRef(req.checks);
    if (!user) throw invalid('checks.user', 'a user check is required: every sessiond session belongs to a user');
    const pw = password(req.checks);
    const md = metadata(req.metadata);
    const expiresAtMs = expiry(req.lifetime, this.core.clock.nowMs());
    const { client, agent } = this.agent(req.userAgent, call.client);
    // Callers are login front-ends holding a credential: the end user's address is the one they report.
    if (pw !== undefined) await limitSignIn(this.limits, { address: req.userAgent?.ip ? client.ip : null, account: accountOf(user, call) });
    const { session, token } = await this.core.sessionChecks.create(call.auth, { user, password: pw, metadata: md, expiresAtMs, client, agent });
    return create(CreateSessionResponseSchema, { details: details(session), sessionId: session.record.id, sessionToken: token });
  }

  async setSession(req: SetSessionRequest, call: CallInfo): Promise<SetSessionResponse> {
    const id = checkString('sessionId', req.sessionId);
    // Deprecated in ZITADEL and ignored here; still bounded like every string.
    if (req.sessionToken.length > MAX_STRING) throw invalid('sessionToken', `must be at most ${MAX_STRING} characters`);
    checkUnsupported(req.checks);
    if (req.challenges && (req.challenges.webAuthN || req.challenges.otpSms || req.challenges.otpEmail)) {
      throw zitadelError(Code.Unimplemented, 'SESSIOND-unimplemented', 'challenges are not supported by sessiond');
    }
    const user = userRef(req.checks);
    const pw = password(req.checks);
    const md = metadata(req.metadata);
    const expiresAtMs = expiry(req.lifetime, this.core.clock.nowMs());
    if (pw !== undefined) await limitSignIn(this.limits, { account: accountOf(user, call, id) });
    const { session, token } = await this.core.sessionChecks.set(call.auth, id, {
      user,
      password: pw,
      metadata: Object.keys(md).length ? md : undefined,
      expiresAtMs,
    });
    return create(SetSessionResponseSchema, { details: details(session), sessionToken: token ?? '' });
  }

  async getSession(req: GetSessionRequest, call: CallInfo): Promise<GetSessionResponse> {
    const id = checkString('sessionId', req.sessionId);
    const token = optString('sessionToken', req.sessionToken);
    const s = await this.core.sessionChecks.get(call.auth, id, token);
    return create(GetSessionResponseSchema, { session: sessionToProto(s) });
  }

  async deleteSession(req: DeleteSessionRequest, call: CallInfo): Promise<DeleteSessionResponse> {
    const id = checkString('sessionId', req.sessionId);
    const token = optString('sessionToken', req.sessionToken);
    const s = await this.core.sessionChecks.delete(call.auth, id, token);
    return create(DeleteSessionResponseSchema, { details: details(s) });
  }

  async listSessions(req: ListSessionsRequest, call: CallInfo): Promise<ListSessionsResponse> {
    const limit = req.query?.limit ? req.query.limit : DEFAULT_LIST_LIMIT;
    if (limit > MAX_LIST_LIMIT) throw invalid('query.limit', `must be at most ${MAX_LIST_LIMIT}`);
    const offset = req.query?.offset ?? 0n;
    if (offset > 1_000_000n) throw invalid('query.offset', 'must be at most 1000000');
    const q: SessionSearch = { asc: req.query?.asc ?? false, offset: Number(offset), limit };
    let empty = false;
    const created: NonNullable<SessionSearch['created']> = [];
    for (const [i, sq] of req.queries.entries()) {
      const f = `queries.${i}`;
      switch (sq.query.case) {
        case 'idsQuery': {
          if (sq.query.value.ids.length > MAX_LIST_LIMIT) throw invalid(`${f}.idsQuery.ids`, `at most ${MAX_LIST_LIMIT} ids`);
          const ids = sq.query.value.ids.map((id, j) => checkString(`${f}.idsQuery.ids.${j}`, id));
          q.ids = q.ids ? q.ids.filter((id) => ids.includes(id)) : ids;
          break;
        }
        case 'userIdQuery': {
          const id = checkString(`${f}.userIdQuery.id`, sq.query.value.id);
          if (q.userId !== undefined && q.userId !== id) empty = true;
          q.userId = id;
          break;
        }
        case 'creationDateQuery': {
          const at = sq.query.value.creationDate;
          if (!at) throw invalid(`${f}.creationDateQuery.creationDate`, 'is required');
          created.push({ atMs: timestampMs(at), method: methodOf(sq.query.value.method, `${f}.creationDateQuery.method`) });
          break;
        }
        case 'creatorQuery': {
          const id = optString(`${f}.creatorQuery.id`, sq.query.value.id);
          const actor = id === undefined ? (call.auth?.actor ?? '') : id.includes(':') ? id : `credential:${id}`;
          if (q.creator !== undefined && q.creator !== actor) empty = true;
          q.creator = actor;
          break;
        }
        case 'userAgentQuery': {
          const fp = optString(`${f}.userAgentQuery.fingerprintId`, sq.query.value.fingerprintId);
          if (fp === undefined) throw invalid(`${f}.userAgentQuery.fingerprintId`, 'is required (sessiond does not fingerprint callers)');
          if (q.fingerprintId !== undefined && q.fingerprintId !== fp) empty = true;
          q.fingerprintId = fp;
          break;
        }
        default:
          throw invalid(f, 'set one query');
      }
    }
    if (created.length) q.created = created;
    const { items, total } = await this.core.sessionChecks.search(call.auth, q);
    const now = this.core.clock.nowMs();
    return create(ListSessionsResponseSchema, {
      details: { totalResult: BigInt(empty ? 0 : total), timestamp: ts(now) },
      sessions: empty ? [] : items.map(sessionToProto),
    });
  }

  /** The client facts of a session: ZITADEL's userAgent where given, else the HTTP request's. */
  private agent(ua: CreateSessionRequest['userAgent'], request: ClientInfo): { client: ClientInfo; agent: ReportedAgent | undefined } {
    if (!ua) return { client: request, agent: undefined };
    const ip = optString('userAgent.ip', ua.ip);
    if (ip !== undefined && isIP(ip) === 0) throw invalid('userAgent.ip', 'must be an IP address');
    const header: Record<string, string[]> = {};
    const keys = Object.keys(ua.header);
    if (keys.length > 50) throw invalid('userAgent.header', 'at most 50 headers');
    for (const k of keys) {
      checkMapKey('userAgent.header key', k);
      const values = ua.header[k]?.values ?? [];
      if (values.length > 20) throw invalid(`userAgent.header.${k}`, 'at most 20 values');
      header[k] = values.map((v, i) => {
        if (v.length > 1_000) throw invalid(`userAgent.header.${k}.${i}`, 'must be at most 1000 characters');
        return v;
      });
    }
    const description = optString('userAgent.description', ua.description);
    const fingerprintId = optString('userAgent.fingerprintId', ua.fingerprintId);
    const uaHeader = Object.entries(header).find(([k]) => k.toLowerCase() === 'user-agent')?.[1][0];
    return {
      client: { ip: ip ?? request.ip, userAgent: uaHeader ?? description ?? request.userAgent },
      agent: {
        ...(fingerprintId !== undefined ? { fingerprintId } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(keys.length ? { header } : {}),
      },
    };
  }
}

function methodOf(m: TimestampQueryMethod, field: string): NonNullable<SessionSearch['created']>[number]['method'] {
  switch (m) {
    case TimestampQueryMethod.EQUALS:
      return 'equals';
    case TimestampQueryMethod.GREATER:
      return 'greater';
    case TimestampQueryMethod.GREATER_OR_EQUALS:
      return 'greater_or_equals';
    case TimestampQueryMethod.LESS:
      return 'less';
    case TimestampQueryMethod.LESS_OR_EQUALS:
      return 'less_or_equals';
    default:
      throw invalid(field, 'unknown method');
  }
}

function details(s: CheckedSession) {
  return create(DetailsSchema, {
    sequence: BigInt(s.sequence),
    changeDate: ts(s.changedAtMs),
    resourceOwner: s.record.organizationId,
    creationDate: ts(s.record.createdAtMs),
  });
}

/** ZITADEL's view of a session; a session ended by time shows its end as `expirationDate` (in the past). */
export function sessionToProto(s: CheckedSession): Session {
  const r = s.record;
  const f = s.factors;
  const expirationMs = !s.verdict.active ? s.verdict.endedAtMs : r.expiresAtMs;
  return create(SessionSchema, {
    id: r.id,
    creationDate: ts(r.createdAtMs),
    changeDate: ts(s.changedAtMs),
    sequence: BigInt(s.sequence),
    factors: {
      ...(f.user
        ? {
            user: {
              verifiedAt: ts(f.user.verifiedAtMs),
              id: f.user.id,
              loginName: f.user.loginName,
              displayName: f.user.displayName,
              organizationId: f.user.organizationId,
            },
          }
        : {}),
      ...(f.password ? { password: { verifiedAt: ts(f.password.verifiedAtMs) } } : {}),
    },
    metadata: Object.fromEntries(Object.entries(r.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    userAgent: {
      ...(s.agent?.fingerprintId !== undefined ? { fingerprintId: s.agent.fingerprintId } : {}),
      ...(r.ip ? { ip: r.ip } : {}),
      ...((s.agent?.description ?? r.userAgent) ? { description: s.agent?.description ?? r.userAgent ?? '' } : {}),
      header: Object.fromEntries(Object.entries(s.agent?.header ?? {}).map(([k, values]) => [k, { values }])),
    },
    ...(expirationMs !== null ? { expirationDate: ts(expirationMs) } : {}),
  });
}
