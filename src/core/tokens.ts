import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Ids and secrets enter the core through this seam (tests may make them predictable). */
export interface IdSource {
  /** A new unique identifier (not secret). */
  newId(): string;
  /** A new secret: 256 random bits as 43 URL-safe characters (`A-Z a-z 0-9 _ -`). */
  newSecret(): string;
}

export const randomIds: IdSource = {
  newId: () => randomUUID(),
  newSecret: () => randomBytes(32).toString('base64url'),
};

/** The only form in which a token or secret is stored: SHA-256, hex. Secrets are high-entropy, so a fast hash is enough. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Secrets are URL-safe and of bounded length; anything else cannot be one of ours. */
export const looksLikeSecret = (s: string): boolean => s.length >= 16 && s.length <= 512 && /^[A-Za-z0-9_-]+$/.test(s);
