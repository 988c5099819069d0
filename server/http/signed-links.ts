// Unguessable links for people without an account: an id and an HMAC of it, per purpose, under SESSION_SECRET.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'receipt' | 'statement' | 'unsubscribe' | 'update-card' | 'retry' | 'stop-plan' | 'checkout-wait';

function signatureOf(secret: string, purpose: TokenPurpose, id: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${id}`).digest().subarray(0, 18);
}

export function signToken(secret: string, purpose: TokenPurpose, id: string): string {
  return `${Buffer.from(id).toString('base64url')}.${signatureOf(secret, purpose, id).toString('base64url')}`;
}

/** The id a token carries, or undefined when it was not signed by us for this purpose. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): string | undefined {
  const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{24})$/.exec(token);
  if (!match) return undefined;
  const id = Buffer.from(match[1]!, 'base64url').toString();
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = signatureOf(secret, purpose, id);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}
