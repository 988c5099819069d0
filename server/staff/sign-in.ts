// Signing in: one password check per attempt, and brakes that stop a guesser without locking out the
// person whose account is guessed at.
//
// - Per account and network: five wrong passwords from one network lock the account on that network
//   for 15 minutes. Other networks are not affected, so one address cannot keep a colleague out.
// - Per account, from networks the person has never signed in from: thirty wrong passwords lock the
//   account for an hour, for unknown networks only. Guesses spread over many addresses stop there, while
//   the office and home networks the person has used stay open.
// - A locked-out person gets in with a link emailed to their own address (the sign-in page's "Can't
//   sign in?"): choosing a new password from it opens the account and makes the network a known one.
// - Per network: twenty attempts in five minutes, whatever the accounts (Redis).
//
// Each attempt is counted, atomically and only while its brake is open, before the slow password
// check: parallel guesses cannot all read "not locked" and then all be checked.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Db } from '../database';
import { withinRateLimit } from '../http/rate-limit';
import { hashPassword, verifyPassword } from './passwords';
import { findStaffForSignIn } from './member.repository';
import { countNetworkAttempt, countUnknownNetworkAttempt, isKnownNetwork, markNetworkSignedIn } from './sign-in.repository';

export const lockout = { perNetwork: { failures: 5, minutes: 15 }, unknownNetworks: { failures: 30, minutes: 60 } };
const networkLimit = { attempts: 20, windowSeconds: 300 };

// Checked when the email is unknown, so a wrong address takes as long as a wrong password.
const decoyHash = hashPassword('not a real password, only a decoy');

export type SignInResult = { ok: true; staffId: number } | { ok: false; problem: 'wrong' } | { ok: false; problem: 'locked' };

/** How a network is stored beside an account: comparable, never readable. */
export function networkKey(secret: string, network: string): string {
  return createHmac('sha256', secret).update(`staff-sign-in:${network}`).digest('base64url');
}

async function claimNetwork(db: Db, staffId: number, network: string): Promise<{ claimed: boolean; known: boolean }> {
  const claimed = await countNetworkAttempt(db, staffId, network, lockout.perNetwork);
  const known = claimed ? claimed.known : await isKnownNetwork(db, staffId, network);
  return { claimed: claimed !== undefined, known };
}

/** One sign-in attempt from `network` (a networkKey). */
export async function checkPassword(db: Db, email: string, password: string, network: string): Promise<SignInResult> {
  const staff = await findStaffForSignIn(db, email);
  if (!staff || staff.disabled_at || !staff.password_hash) {
    await verifyPassword(password, await decoyHash);
    return { ok: false, problem: 'wrong' };
  }
  const { claimed, known } = await claimNetwork(db, staff.id, network);
  if (!claimed || (!known && !(await countUnknownNetworkAttempt(db, staff.id, lockout.unknownNetworks)))) {
    // Locked: answered after the same work as any other attempt, and without looking at the password.
    await verifyPassword(password, await decoyHash);
    return { ok: false, problem: 'locked' };
  }
  if (!(await verifyPassword(password, staff.password_hash))) return { ok: false, problem: 'wrong' };
  await markNetworkSignedIn(db, staff.id, network);
  return { ok: true, staffId: staff.id };
}

/** True while this network has sign-in attempts left; with Redis away the per-account brakes still hold. */
export function withinSignInLimit(redis: Redis, prefix: string, network: string): Promise<boolean> {
  return withinRateLimit(redis, `${prefix}:sign-in:${network}`, networkLimit.attempts, networkLimit.windowSeconds);
}
