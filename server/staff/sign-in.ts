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
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { Db } from '../database';
import { withinRateLimit } from '../http/rate-limit';
import { hashPassword, verifyPassword } from './passwords';

export const lockout = { perNetwork: { failures: 5, minutes: 15 }, unknownNetworks: { failures: 30, minutes: 60 } };
const networkLimit = { attempts: 20, windowSeconds: 300 };

// Checked when the email is unknown, so a wrong address takes as long as a wrong password.
const decoyHash = hashPassword('not a real password, only a decoy');

export type SignInResult = { ok: true; staffId: number } | { ok: false; problem: 'wrong' } | { ok: false; problem: 'locked' };

/** How a network is stored beside an account: comparable, never readable. */
export function networkKey(secret: string, network: string): string {
  return createHmac('sha256', secret).update(`staff-sign-in:${network}`).digest('base64url');
}

// An attempt counted against a brake that allows `failures` before locking for `minutes`: the count, and the lock it may set.
const nextCount = (counter: string, { failures }: { failures: number }) =>
  sql<number>`case when ${sql.ref(counter)} + 1 >= ${failures} then 0 else ${sql.ref(counter)} + 1 end`;
const lockAfter = (counter: string, { failures, minutes }: { failures: number; minutes: number }) =>
  sql<Date | null>`case when ${sql.ref(counter)} + 1 >= ${failures} then now() + make_interval(mins => ${minutes}) else null end`;
const isOpen = sql<boolean>`(locked_until is null or locked_until <= now())`;

async function claimNetwork(db: Db, staffId: number, network: string): Promise<{ claimed: boolean; known: boolean }> {
  await db.insertInto('staff_sign_in_networks').values({ staff_id: staffId, network }).onConflict((oc) => oc.doNothing()).execute();
  const claimed = await db
    .updateTable('staff_sign_in_networks')
    .set({ failures: nextCount('failures', lockout.perNetwork), locked_until: lockAfter('failures', lockout.perNetwork), updated_at: sql`now()` })
    .where('staff_id', '=', staffId)
    .where('network', '=', network)
    .where(isOpen)
    .returning('signed_in_at')
    .executeTakeFirst();
  const known = claimed ? claimed.signed_in_at !== null : await isKnownNetwork(db, staffId, network);
  return { claimed: claimed !== undefined, known };
}

async function isKnownNetwork(db: Db, staffId: number, network: string): Promise<boolean> {
  const row = await db.selectFrom('staff_sign_in_networks').select('signed_in_at').where('staff_id', '=', staffId).where('network', '=', network).executeTakeFirst();
  return row?.signed_in_at != null;
}

async function claimUnknownNetworks(db: Db, staffId: number): Promise<boolean> {
  const claimed = await db
    .updateTable('staff_members')
    .set({ failed_sign_ins: nextCount('failed_sign_ins', lockout.unknownNetworks), locked_until: lockAfter('failed_sign_ins', lockout.unknownNetworks) })
    .where('id', '=', staffId)
    .where(isOpen)
    .returning('id')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** The right password was given from this network: its brake and the account's are reset, and the network is known. */
export async function rememberNetwork(db: Db, staffId: number, network: string): Promise<void> {
  await db
    .insertInto('staff_sign_in_networks')
    .values({ staff_id: staffId, network, signed_in_at: sql`now()` })
    .onConflict((oc) => oc.columns(['staff_id', 'network']).doUpdateSet({ failures: 0, locked_until: null, signed_in_at: sql`now()`, updated_at: sql`now()` }))
    .execute();
  await db.updateTable('staff_members').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', staffId).execute();
}

/** One sign-in attempt from `network` (a networkKey). */
export async function checkPassword(db: Db, email: string, password: string, network: string): Promise<SignInResult> {
  const staff = await db
    .selectFrom('staff_members')
    .select(['id', 'password_hash', 'disabled_at'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!staff || staff.disabled_at || !staff.password_hash) {
    await verifyPassword(password, await decoyHash);
    return { ok: false, problem: 'wrong' };
  }
  const { claimed, known } = await claimNetwork(db, staff.id, network);
  if (!claimed || (!known && !(await claimUnknownNetworks(db, staff.id)))) {
    // Locked: answered after the same work as any other attempt, and without looking at the password.
    await verifyPassword(password, await decoyHash);
    return { ok: false, problem: 'locked' };
  }
  if (!(await verifyPassword(password, staff.password_hash))) return { ok: false, problem: 'wrong' };
  await rememberNetwork(db, staff.id, network);
  return { ok: true, staffId: staff.id };
}

/** True while this network has sign-in attempts left; with Redis away the per-account brakes still hold. */
export function withinSignInLimit(redis: Redis, prefix: string, network: string): Promise<boolean> {
  return withinRateLimit(redis, `${prefix}:sign-in:${network}`, networkLimit.attempts, networkLimit.windowSeconds);
}
