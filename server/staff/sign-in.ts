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

export async function checkPassword(db: Db, email: string, password: string): Promise<SignInResult> {
  const staff = await db
    .selectFrom('staff_members')
    .select(['id', 'password_hash', 'locked_until', 'disabled_at'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!staff || staff.disabled_at || !staff.password_hash) {
    await verifyPassword(password, await decoyHash);
    return { ok: false, problem: 'wrong' };
  }
  if (staff.locked_until && staff.locked_until > new Date()) return { ok: false, problem: 'locked', until: staff.locked_until };
  if (await verifyPassword(password, staff.password_hash)) {
    await db.updateTable('staff_members').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', staff.id).execute();
    return { ok: true, staffId: staff.id };
  }
  const { failed_sign_ins: failures, locked_until: until } = await db
    .updateTable('staff_members')
    .set((eb) => ({
      failed_sign_ins: sql<number>`case when ${eb.ref('failed_sign_ins')} + 1 >= ${lockout.failures} then 0 else ${eb.ref('failed_sign_ins')} + 1 end`,
      locked_until: sql<Date | null>`case when ${eb.ref('failed_sign_ins')} + 1 >= ${lockout.failures} then now() + make_interval(mins => ${lockout.minutes}) else null end`,
    }))
    .where('id', '=', staff.id)
    .returning(['failed_sign_ins', 'locked_until'])
    .executeTakeFirstOrThrow();
  return until && failures === 0 ? { ok: false, problem: 'locked', until } : { ok: false, problem: 'wrong' };
}

/** True while this address has sign-in attempts left; with Redis away the lockout still guards each account. */
export function withinSignInLimit(redis: Redis, prefix: string, ip: string): Promise<boolean> {
  return withinRateLimit(redis, `${prefix}:sign-in:${ip}`, ipLimit.attempts, ipLimit.windowSeconds);
}
