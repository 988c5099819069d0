// Staff sessions, kept in Postgres: the cookie holds a random token, the table only its SHA-256.
import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../database';
import type { AppContext } from '../context';
import type { Locale } from '../locale';
import { oweRequestedEmail } from '../outbox/outbox';
import { askedWithin, forgetRequestedAddress } from '../outbox/outbox.repository';
import type { StaffRole } from '../tables/staff-members.table';
import { hashSecretToken, isSecretToken, newSecretToken } from '../http/secret-tokens';
import { findEnabledStaffByEmail, findStaffMember } from './member.repository';
import { deleteSessionsOf, deleteStaffSession, insertPasswordLink, insertStaffSession, markPasswordLinkUsed, passwordLinkIsLive, touchStaffSession } from './session.repository';

export const sessionCookie = 'sf_staff';
export const sessionHours = 12;

export interface SignedInStaff {
  id: number;
  email: string;
  name: string;
  roles: StaffRole[];
  /** The language this person chose for the staff area, as stored; null follows the browser. */
  locale: string | null;
}

export async function startSession(db: Db, staffId: number, userAgent: string | undefined): Promise<string> {
  const token = newSecretToken();
  await insertStaffSession(db, { tokenHash: hashSecretToken(token), staffId, expiresAt: new Date(Date.now() + sessionHours * 3600_000), userAgent: userAgent?.slice(0, 300) ?? null });
  return token;
}

/** The staff member a session token belongs to, while the session lasts and the account is enabled. */
export async function staffForSession(db: Db, token: string): Promise<SignedInStaff | undefined> {
  if (!isSecretToken(token)) return undefined;
  return touchStaffSession(db, hashSecretToken(token));
}

export async function endSession(db: Db, token: string): Promise<void> {
  await deleteStaffSession(db, hashSecretToken(token));
}

/** Sign-out everywhere: every session of this person, on every device, ends now. */
export function endAllSessions(db: Db, staffId: number): Promise<number> {
  return deleteSessionsOf(db, staffId);
}

/** How long the link an invitation carries lasts: a colleague may not read their email the same hour. */
export const invitationLinkHours = 24;

/** A one-time link to set a password, valid for `hours`. Returns the token for the URL. */
export async function createPasswordLink(db: Db, staffId: number, hours = invitationLinkHours): Promise<string> {
  const token = newSecretToken();
  await insertPasswordLink(db, { tokenHash: hashSecretToken(token), staffId, hours });
  return token;
}

/** Uses up a password link: the staff id it was for, or undefined when it is unknown, used or expired. */
export async function usePasswordLink(db: Db, token: string): Promise<number | undefined> {
  if (!isSecretToken(token)) return undefined;
  return markPasswordLinkUsed(db, hashSecretToken(token));
}

export async function passwordLinkIsValid(db: Db, token: string): Promise<boolean> {
  return isSecretToken(token) && (await passwordLinkIsLive(db, hashSecretToken(token)));
}

/** How long an emailed "can't sign in" link lasts: shorter than an invitation, since anyone may ask for one. */
export const emailedLinkHours = 1;

/**
 * Owes an email with a password link to this address, the same work whoever it belongs to: the worker
 * finds out whether it is a colleague's when it composes the email (passwordLinkToSend), so neither the
 * page nor its timing says who works here. The email speaks the language of the page it was asked from.
 */
export async function requestEmailedPasswordLink(ctx: Pick<AppContext, 'db' | 'queues' | 'config' | 'logger'>, email: string, locale: Locale): Promise<void> {
  await oweRequestedEmail(ctx, 'staff_password_link', `staff-password-${randomUUID()}`, { email: email.trim().toLowerCase(), locale });
}

/**
 * When the email is composed: a fresh link for the enabled colleague with this address, or undefined
 * (nobody's address, or a request older than a link lasts). In the sending transaction, so a send that
 * fails leaves no link behind.
 */
export async function passwordLinkToSend(trx: Trx, request: { outboxId: number; email: string }): Promise<{ email: string; token: string } | undefined> {
  const staff = await findEnabledStaffByEmail(trx, request.email);
  if (!staff || !(await askedWithin(trx, request.outboxId, emailedLinkHours * 60))) {
    await forgetRequestedAddress(trx, request.outboxId);
    return undefined;
  }
  return { email: staff.email, token: await createPasswordLink(trx, staff.id, emailedLinkHours) };
}

/**
 * When an invitation email is composed: a fresh link for the colleague, with who invited them, while they
 * are still only invited (no password yet, not disabled); else undefined. In the sending transaction, so
 * a send that fails leaves no link behind.
 */
export async function invitationToSend(trx: Trx, invite: { staffId: number; invitedBy: number | null }) {
  const member = await findStaffMember(trx, invite.staffId);
  if (!member || member.password_hash !== null || member.disabled_at !== null) return undefined;
  const inviter = invite.invitedBy === null ? undefined : await findStaffMember(trx, invite.invitedBy);
  return { email: member.email, roles: member.roles, inviterName: inviter?.name, token: await createPasswordLink(trx, member.id, invitationLinkHours) };
}
