import { DomainError } from '../core/errors.js';

/** The core's neutral "storage cannot serve now" (503); the driver error stays as `cause`, for the log only. */
export const storageUnavailable = (cause: unknown): DomainError => new DomainError('unavailable', 'storage is unavailable', [], undefined, { cause });
