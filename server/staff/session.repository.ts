// Staff sessions and one-time password links, each stored by the SHA-256 of its token, never the token.
import { sql } from 'kysely';
import type { Db } from '../database';

export async function insertStaffSession(db: Db, session: { tokenHash: string; staffId: number; expiresAt: Date; userAgent: string | null }): Promise<void> {
  await db.insertInto('staff_sessions').values({ token_hash: session.tokenHash, staff_id: session.staffId, expires_at: session.expiresAt, user_agent: session.userAgent }).execute();
}

/** The enabled staff member a live session belongs to; the session is marked as seen now. */
export function touchStaffSession(db: Db, tokenHash: string) {
  return db
    .updateTable('staff_sessions')
    .set({ last_seen_at: sql`now()` })
    .from('staff_members')
    .whereRef('staff_members.id', '=', 'staff_sessions.staff_id')
    .where('staff_sessions.token_hash', '=', tokenHash)
    .where('staff_sessions.expires_at', '>', sql<Date>`now()`)
    .where('staff_members.disabled_at', 'is', null)
    .returning(['staff_members.id', 'staff_members.email', 'staff_members.name', 'staff_members.roles', 'staff_members.locale'])
    .executeTakeFirst();
}

export async function deleteStaffSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Every session of this person, on every device; how many there were. */
export async function deleteSessionsOf(db: Db, staffId: number): Promise<number> {
  const { numDeletedRows } = await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).executeTakeFirst();
  return Number(numDeletedRows);
}

export async function insertPasswordLink(db: Db, link: { tokenHash: string; staffId: number; hours: number }): Promise<void> {
  await db.insertInto('staff_password_links').values({ token_hash: link.tokenHash, staff_id: link.staffId, expires_at: sql<Date>`now() + make_interval(hours => ${link.hours})` }).execute();
}

/** Marks an unused, unexpired link used: the staff id it was for, or undefined. */
export async function markPasswordLinkUsed(db: Db, tokenHash: string): Promise<number | undefined> {
  const row = await db
    .updateTable('staff_password_links')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('staff_id')
    .executeTakeFirst();
  return row?.staff_id;
}

export async function passwordLinkIsLive(db: Db, tokenHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('staff_password_links')
    .select('staff_id')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}
