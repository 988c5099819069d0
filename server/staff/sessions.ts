// Staff sessions, kept in Postgres: the cookie holds a random token, the table only its SHA-256.
import { sql } from 'kysely';
import type { Db } from '../../db/index';
import type { StaffRole } from '../../db/schema';
import { hashSecretToken, isSecretToken, newSecretToken } from '../http/secret-tokens';

export const sessionCookie = 'sf_staff';
export const sessionHours = 12;


export interface SignedInStaff {
  id: number;
  email: string;
  name: string;
  roles: StaffRole[];
}

export async function startSession(db: Db, staffId: number, userAgent: string | undefined): Promise<string> {
  const token = newSecretToken();
  await db
    .insertInto('staff_sessions')
    .values({ token_hash: hashSecretToken(token), staff_id: staffId, expires_at: new Date(Date.now() + sessionHours * 3600_000), user_agent: userAgent?.slice(0, 300) ?? null })
    .execute();
  return token;
}

/** The staff member a session token belongs to, while the session lasts and the account is enabled. */
export async function staffForSession(db: Db, token: string): Promise<SignedInStaff | undefined> {
  if (!isSecretToken(token)) return undefined;
  const row = await db
    .updateTable('staff_sessions')
    .set({ last_seen_at: sql`now()` })
    .from('staff_members')
    .whereRef('staff_members.id', '=', 'staff_sessions.staff_id')
    .where('staff_sessions.token_hash', '=', hashSecretToken(token))
    .where('staff_sessions.expires_at', '>', sql<Date>`now()`)
    .where('staff_members.disabled_at', 'is', null)
    .returning(['staff_members.id', 'staff_members.email', 'staff_members.name', 'staff_members.roles'])
    .executeTakeFirst();
  return row;
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', hashSecretToken(token)).execute();
}

/** Sign-out everywhere: every session of this person, on every device, ends now. */
export async function endAllSessions(db: Db, staffId: number): Promise<number> {
  const { numDeletedRows } = await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).executeTakeFirst();
  return Number(numDeletedRows);
}

/** A one-time link to set a password, valid for `hours`. Returns the token for the URL. */
export async function createPasswordLink(db: Db, staffId: number, hours = 24): Promise<string> {
  const token = newSecretToken();
  await db.insertInto('staff_password_links').values({ token_hash: hashSecretToken(token), staff_id: staffId, expires_at: new Date(Date.now() + hours * 3600_000) }).execute();
  return token;
}

/** Uses up a password link: the staff id it was for, or undefined when it is unknown, used or expired. */
export async function usePasswordLink(db: Db, token: string): Promise<number | undefined> {
  if (!isSecretToken(token)) return undefined;
  const row = await db
    .updateTable('staff_password_links')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hashSecretToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('staff_id')
    .executeTakeFirst();
  return row?.staff_id;
}

export async function passwordLinkIsValid(db: Db, token: string): Promise<boolean> {
  if (!isSecretToken(token)) return false;
  const row = await db
    .selectFrom('staff_password_links')
    .select('staff_id')
    .where('token_hash', '=', hashSecretToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}
