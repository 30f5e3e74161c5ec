import { Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';

/** A request body whose bytes are not UTF-8: every surface answers it as a 400 in its own shape. */
export class InvalidUtf8BodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'SESSIOND_INVALID_UTF8_BODY';
  constructor() {
    super('the body is not valid UTF-8');
  }
}

/** A body declared in a charset other than UTF-8: 415 in every surface. */
export class UnsupportedCharsetError extends Error {
  readonly statusCode = 415;
  readonly code = 'SESSIOND_UNSUPPORTED_CHARSET';
  constructor() {
    super('the body must be UTF-8: no other charset is supported');
  }
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/** Whether a Content-Type names a charset other than UTF-8 (`application/json; charset=latin1`). */
export function declaresOtherCharset(contentType: string): boolean {
  const m = CHARSET.exec(contentType);
  return m !== null && m[1]?.toLowerCase() !== 'utf-8' && m[1]?.toLowerCase() !== 'utf8';
}

/**
 * preParsing hook: every body sessiond reads is text (JSON, forms, GraphQL), and a decoder would
 * turn invalid bytes into U+FFFD, so `{"loginName":"\xffalice"}` would be stored as "�alice", a
 * name nobody sent. The bytes are checked as they stream in (a character split across chunks is
 * fine); the body still streams on to the parser, so the body limit keeps counting and the
 * connection stays in step, and it is refused at its end.
 */
export async function utf8Body(req: FastifyRequest, _reply: FastifyReply, payload: RequestPayload): Promise<RequestPayload> {
  if (req.method === 'GET' || req.method === 'HEAD' || req.headers['content-length'] === '0') return payload;
  // JSON is UTF-8 (RFC 8259), and so is every form and document sessiond reads: a body declared
  // in another charset is an unsupported media type, not text to be read as something else.
  const type = req.headers['content-type'];
  if (typeof type === 'string' && declaresOtherCharset(type)) throw new UnsupportedCharsetError();
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let valid = true;
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (valid) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          valid = false;
        }
      }
      done(null, chunk);
    },
    flush(done) {
      if (valid) {
        try {
          decoder.decode();
        } catch {
          valid = false;
        }
      }
      done(valid ? null : new InvalidUtf8BodyError());
    },
  });
  payload.on('error', (err) => checked.destroy(err));
  return payload.pipe(checked);
}
