import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { sendError, toWireError, type WireError } from '../../server/errors.js';
import type { ErrorView } from './views.js';

/** The native error body: one shape for all of /v1. */
export const nativeErrorBody = (w: WireError, requestId: string): Static<typeof ErrorView> => ({
  error: { code: w.code, message: w.message, requestId, details: w.issues },
});

/** Every error of the native API leaves in its one shape (also used for the framework's own URL errors). */
export function nativeErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const w = toWireError(err, req);
  if (w.status === 401) void reply.header('www-authenticate', bearerChallenge(req, w));
  return sendError(reply, w, nativeErrorBody(w, req.id));
}

/**
 * RFC 6750's challenge: which scheme and realm to authenticate with, and `invalid_token` when a
 * credential was sent and refused. A refused sign-in (wrong password) has no credential to blame:
 * the same challenge whether the account exists or not.
 */
function bearerChallenge(req: FastifyRequest, w: WireError): string {
  return w.code === 'unauthenticated' && req.headers.authorization !== undefined ? 'Bearer realm="sessiond", error="invalid_token"' : 'Bearer realm="sessiond"';
}
