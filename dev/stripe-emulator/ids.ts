import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  let token = '';
  for (const byte of randomBytes(length)) token += alphabet[byte % alphabet.length];
  return token;
}

/** An id shaped like Stripe's: its prefix, an underscore and 24 random characters ("ch_3Qx…"). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}

/** Checkout Session ids are longer, and their test-mode prefix says so. */
export function newCheckoutSessionId(): string {
  return `cs_test_a1${randomToken(58)}`;
}
