import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';

/** The methods a path may have; Fastify answers HEAD wherever there is a GET. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A path that exists, asked with a method it does not have: 405, with the methods it has in `Allow`. */
export class MethodNotAllowedError extends Error {
  readonly statusCode = 405;
  constructor(
    method: string,
    path: string,
    readonly allow: readonly string[],
  ) {
    super(`${method.slice(0, 16)} is not allowed on ${path.slice(0, 200)}; allowed: ${allow.join(', ')}`);
    this.name = 'MethodNotAllowedError';
  }
}

/** The methods the router has for the path of `req` (any surface: the router is shared). */
function allowedMethods(req: FastifyRequest): string[] {
  const url = pathOf(req);
  return METHODS.filter((method) => req.server.findRoute({ method, url }) !== null);
}

/**
 * Why no route took `req`: the path has other methods (405 with Allow), or it has none (404).
 * Each surface's not-found handler renders it in the surface's shape.
 */
export function routeMissing(req: FastifyRequest): Error {
  const path = pathOf(req);
  const allow = allowedMethods(req);
  return allow.length > 0 ? new MethodNotAllowedError(req.method, path, allow) : new DomainError('not_found', `no route ${req.method} ${path}`);
}

const pathOf = (req: FastifyRequest) => req.url.split('?')[0] ?? req.url;
