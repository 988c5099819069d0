// Staff accounts: invitation, roles, disabling and choosing a password, each change written to the audit log.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context';
import type { Db, Trx } from '../database';
import type { Locale } from '../locale';
import { relayOutbox } from '../outbox/outbox';
import { oweEmail } from '../outbox/outbox.repository';
import type { StaffRole } from '../tables/staff-members.table';
import { recordAudit } from './audit.repository';
import { insertStaffMember, lockStaffByEmail, lockStaffDisabledAt, lockStaffLocale, lockStaffRoles, markStaffDisabled, updateStaffLocale, updateStaffPassword, updateStaffRoles } from './member.repository';
import { deleteSessionsOf } from './session.repository';
import { createPasswordLink, usePasswordLink } from './sessions';

export const staffRoles: StaffRole[] = ['admin', 'finance', 'campaign_manager'];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (staffRoles as string[]).includes(value);
}

/** An existing account's roles when it was invited again, and after: the invited roles are added, none taken. */
export interface RoleChange {
  before: StaffRole[];
  after: StaffRole[];
}

export type InviteOutcome =
  | { kind: 'invited'; staffId: number; token: string }
  | { kind: 'invited again'; staffId: number; token: string; roles: RoleChange }
  | { kind: 'already a member'; staffId: number; roles: RoleChange }
  | { kind: 'disabled'; staffId: number };

/**
 * Creates the account and returns a one-time password link token; with `emailIn`, an invitation email
 * (its own link, in that language) is owed in the same transaction, so it goes out once and only if the
 * account exists. Someone invited before but without a password yet is invited again; an account with a
 * password only gains the roles (no link: it is no way to reset a colleague's password). A disabled
 * account is left alone: inviting is not a way round enabling it, which is audited as such.
 */
export async function inviteStaff(db: Db, invite: { email: string; name: string; roles: StaffRole[] }, byStaffId: number | null, emailIn?: Locale): Promise<InviteOutcome> {
  return db.transaction().execute(async (trx): Promise<InviteOutcome> => {
    const existing = await lockStaffByEmail(trx, invite.email);
    if (existing?.disabled_at) return { kind: 'disabled', staffId: existing.id };
    if (existing?.password_hash) return { kind: 'already a member', staffId: existing.id, roles: await reinvite(trx, existing, invite.roles, byStaffId, false) };
    const roles = existing ? await reinvite(trx, existing, invite.roles, byStaffId, emailIn !== undefined) : undefined;
    const staffId = existing?.id ?? (await createAccount(trx, invite, byStaffId));
    const token = await createPasswordLink(trx, staffId);
    if (emailIn) await oweEmail(trx, 'staff_invitation', `staff-invitation-${staffId}-${randomUUID()}`, { staffId, invitedBy: byStaffId, locale: emailIn });
    return roles ? { kind: 'invited again', staffId, token, roles } : { kind: 'invited', staffId, token };
  });
}

/** Invites from the team page, in the inviter's language, and hands the email to the queue once it is committed. */
export async function inviteByEmail(ctx: Pick<AppContext, 'db' | 'queues' | 'logger'>, invite: { email: string; name: string; roles: StaffRole[] }, byStaffId: number, locale: Locale): Promise<InviteOutcome> {
  const outcome = await inviteStaff(ctx.db, invite, byStaffId, locale);
  if ('token' in outcome) void relayOutbox(ctx).catch((error: unknown) => ctx.logger.warn({ err: error }, 'outbox: relay deferred'));
  return outcome;
}

async function reinvite(trx: Trx, existing: { id: number; email: string; roles: StaffRole[]; password_hash: string | null }, added: StaffRole[], byStaffId: number | null, invitationSent: boolean): Promise<RoleChange> {
  const gained = added.filter((role) => !existing.roles.includes(role));
  const roles = { before: existing.roles, after: gained.length === 0 ? existing.roles : staffRoles.filter((role) => existing.roles.includes(role) || gained.includes(role)) };
  if (gained.length > 0) await updateStaffRoles(trx, existing.id, roles.after);
  await recordAudit(trx, { staffId: byStaffId, action: 'staff.reinvited', subjectType: 'staff_member', subjectId: existing.id, before: { roles: roles.before }, after: { roles: roles.after, invitationSent } });
  // The link lets whoever holds it choose this account's password: an admin's record of having issued it.
  if (existing.password_hash === null) await recordAudit(trx, { staffId: byStaffId, action: 'staff.password_link_issued', subjectType: 'staff_member', subjectId: existing.id, after: { email: existing.email } });
  return roles;
}

async function createAccount(trx: Trx, invite: { email: string; name: string; roles: StaffRole[] }, byStaffId: number | null): Promise<number> {
  const staffId = await insertStaffMember(trx, { email: invite.email, name: invite.name, roles: invite.roles });
  await recordAudit(trx, { staffId: byStaffId, action: 'staff.invited', subjectType: 'staff_member', subjectId: staffId, after: { email: invite.email, name: invite.name, roles: invite.roles } });
  return staffId;
}

export async function changeRoles(db: Db, staffId: number, roles: StaffRole[], byStaffId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockStaffRoles(trx, staffId);
    await updateStaffRoles(trx, staffId, roles);
    await recordAudit(trx, { staffId: byStaffId, action: 'staff.roles_changed', subjectType: 'staff_member', subjectId: staffId, before, after: { roles } });
  });
}

export async function setDisabled(db: Db, staffId: number, disabled: boolean, byStaffId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockStaffDisabledAt(trx, staffId);
    await markStaffDisabled(trx, staffId, disabled);
    if (disabled) await deleteSessionsOf(trx, staffId);
    await recordAudit(trx, { staffId: byStaffId, action: disabled ? 'staff.disabled' : 'staff.enabled', subjectType: 'staff_member', subjectId: staffId, before, after: { disabled } });
  });
}

/** Uses up a password link to set its account's password: the staff id, or undefined when the link is unknown, used or expired. */
export async function setPasswordByLink(db: Db, token: string, passwordHash: string): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const staffId = await usePasswordLink(trx, token);
    if (staffId === undefined) return undefined;
    await updateStaffPassword(trx, staffId, passwordHash);
    // A new password ends every session the old one opened.
    await deleteSessionsOf(trx, staffId);
    await recordAudit(trx, { staffId, action: 'staff.password_set', subjectType: 'staff_member', subjectId: staffId });
    return staffId;
  });
}

/** A colleague's own choice of language for the staff area (null: follow the browser), audited when it changes. */
export async function chooseLanguage(db: Db, staffId: number, locale: Locale | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await lockStaffLocale(trx, staffId);
    if (before.locale === locale) return;
    await updateStaffLocale(trx, staffId, locale);
    await recordAudit(trx, { staffId, action: 'staff.language_changed', subjectType: 'staff_member', subjectId: staffId, before, after: { locale } });
  });
}
