// Random tokens handed to a browser (session cookies, one-time links). Only their SHA-256 is stored,
// so a leaked table hands out nothing.
import { createHash, randomBytes } from 'node:crypto';

export const newSecretToken = (): string => randomBytes(32).toString('base64url');

export const hashSecretToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The shape newSecretToken and an HMAC in base64url both have; anything else is not worth a query. */
export const isSecretToken = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);
