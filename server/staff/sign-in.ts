// Signing in: one password check per attempt, a lockout after repeated failures, and an IP rate limit.
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { Db } from '../../db/index';
import { withinRateLimit } from '../http/rate-limit';
import { hashPassword, verifyPassword } from './passwords';

export const lockout = { failures: 5, minutes: 15 };
const ipLimit = { attempts: 20, windowSeconds: 300 };

// Checked when the email is unknown, so a wrong address takes as long as a wrong password.
const decoyHash = hashPassword('not a real password, only a decoy');

export type SignInResult = { ok: true; staffId: number } | { ok: false; problem: 'wrong' } | { ok: false; problem: 'locked'; until: Date };

/**
 * One sign-in attempt. The attempt is counted, atomically and only while the account is not locked,
 * before the slow password check: parallel guesses cannot all read "not locked" and then all be checked,
 * so at most `lockout.failures` passwords are ever checked per lockout period. The right password resets the count.
 */
export async function checkPassword(db: Db, email: string, password: string): Promise<SignInResult> {
  const staff = await db
    .selectFrom('staff_members')
    .select(['id', 'password_hash', 'disabled_at'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!staff || staff.disabled_at || !staff.password_hash) {
    await verifyPassword(password, await decoyHash);
    return { ok: false, problem: 'wrong' };
  }
  const claimed = await db
    .updateTable('staff_members')
    .set((eb) => ({
      failed_sign_ins: sql<number>`case when ${eb.ref('failed_sign_ins')} + 1 >= ${lockout.failures} then 0 else ${eb.ref('failed_sign_ins')} + 1 end`,
      locked_until: sql<Date | null>`case when ${eb.ref('failed_sign_ins')} + 1 >= ${lockout.failures} then now() + make_interval(mins => ${lockout.minutes}) else null end`,
    }))
    .where('id', '=', staff.id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', sql<Date>`now()`)]))
    .returning(['failed_sign_ins', 'locked_until'])
    .executeTakeFirst();
  if (!claimed) {
    // Locked: answered after the same work as any other attempt, and without looking at the password.
    await verifyPassword(password, await decoyHash);
    const { locked_until: until } = await db.selectFrom('staff_members').select('locked_until').where('id', '=', staff.id).executeTakeFirstOrThrow();
    return { ok: false, problem: 'locked', until: until ?? new Date() };
  }
  if (await verifyPassword(password, staff.password_hash)) {
    await db.updateTable('staff_members').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', staff.id).execute();
    return { ok: true, staffId: staff.id };
  }
  return claimed.locked_until && claimed.failed_sign_ins === 0 ? { ok: false, problem: 'locked', until: claimed.locked_until } : { ok: false, problem: 'wrong' };
}

/** True while this address has sign-in attempts left; with Redis away the lockout still guards each account. */
export function withinSignInLimit(redis: Redis, prefix: string, ip: string): Promise<boolean> {
  return withinRateLimit(redis, `${prefix}:sign-in:${ip}`, ipLimit.attempts, ipLimit.windowSeconds);
}
