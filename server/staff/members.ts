// Staff accounts: invitation, roles, disabling and choosing a password, each change written to the audit log.
import type { Db, Trx } from '../database';
import type { StaffRole } from '../tables/staff-members.table';
import { recordAudit } from './audit.repository';
import { insertStaffMember, lockStaffByEmail, lockStaffDisabledAt, lockStaffRoles, markStaffDisabled, updateStaffPassword, updateStaffRoles } from './member.repository';
import { deleteSessionsOf } from './session.repository';
import { createPasswordLink, usePasswordLink } from './sessions';

export const staffRoles: StaffRole[] = ['admin', 'finance', 'campaign_manager'];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (staffRoles as string[]).includes(value);
}

export type InviteOutcome = { kind: 'invited'; staffId: number; token: string } | { kind: 'disabled'; staffId: number };

/**
 * Creates the account, or adds the roles to an existing one, and returns a one-time password link token.
 * A disabled account is left alone: inviting is not a way round enabling it, which is audited as such.
 */
export async function inviteStaff(db: Db, invite: { email: string; name: string; roles: StaffRole[] }, byStaffId: number | null): Promise<InviteOutcome> {
  return db.transaction().execute(async (trx) => {
    const existing = await lockStaffByEmail(trx, invite.email);
    if (existing?.disabled_at) return { kind: 'disabled' as const, staffId: existing.id };
    const staffId = existing ? await addRoles(trx, existing, invite.roles, byStaffId) : await createAccount(trx, invite, byStaffId);
    return { kind: 'invited' as const, staffId, token: await createPasswordLink(trx, staffId) };
  });
}

async function addRoles(trx: Trx, existing: { id: number; email: string; roles: StaffRole[] }, added: StaffRole[], byStaffId: number | null): Promise<number> {
  const roles = [...new Set([...existing.roles, ...added])];
  await updateStaffRoles(trx, existing.id, roles);
  await recordAudit(trx, { staffId: byStaffId, action: 'staff.roles_changed', subjectType: 'staff_member', subjectId: existing.id, before: { roles: existing.roles }, after: { roles } });
  // The link lets whoever holds it choose this account's password: an admin's record of having issued it.
  await recordAudit(trx, { staffId: byStaffId, action: 'staff.password_link_issued', subjectType: 'staff_member', subjectId: existing.id, after: { email: existing.email } });
  return existing.id;
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
