// Staff sessions, kept in Postgres: the cookie holds a random token, the table only its SHA-256.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database';
import type { AppContext } from '../context';
import { askedWithin, forgetRequestedAddress, oweRequestedEmail } from '../outbox/outbox';
import type { StaffRole } from './staff.table';
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
  await db.insertInto('staff_password_links').values({ token_hash: hashSecretToken(token), staff_id: staffId, expires_at: sql<Date>`now() + make_interval(hours => ${hours})` }).execute();
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

/** How long an emailed "can't sign in" link lasts: shorter than an invitation, since anyone may ask for one. */
export const emailedLinkHours = 1;

/**
 * Owes an email with a password link to this address, the same work whoever it belongs to: the worker
 * finds out whether it is a colleague's when it composes the email (passwordLinkToSend), so neither the
 * page nor its timing says who works here.
 */
export async function requestEmailedPasswordLink(ctx: Pick<AppContext, 'db' | 'queues' | 'config' | 'logger'>, email: string): Promise<void> {
  await oweRequestedEmail(ctx, 'staff_password_link', `staff-password-${randomUUID()}`, { email: email.trim().toLowerCase() });
}

/**
 * When the email is composed: a fresh link for the enabled colleague with this address, or undefined
 * (nobody's address, or a request older than a link lasts). In the sending transaction, so a send that
 * fails leaves no link behind.
 */
export async function passwordLinkToSend(trx: Db, request: { outboxId: number; email: string }): Promise<{ email: string; token: string } | undefined> {
  const staff = await trx.selectFrom('staff_members').select(['id', 'email']).where(sql`lower(email)`, '=', request.email).where('disabled_at', 'is', null).executeTakeFirst();
  if (!staff || !(await askedWithin(trx, request.outboxId, emailedLinkHours * 60))) {
    await forgetRequestedAddress(trx, request.outboxId);
    return undefined;
  }
  return { email: staff.email, token: await createPasswordLink(trx, staff.id, emailedLinkHours) };
}
