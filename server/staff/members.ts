// Staff accounts: invitation, roles and disabling, each change written to the audit log.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { StaffRole } from './staff.table';
import { recordAudit } from './audit';
import { createPasswordLink } from './sessions';

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
    const existing = await trx.selectFrom('staff_members').selectAll().where(sql`lower(email)`, '=', invite.email.toLowerCase()).forUpdate().executeTakeFirst();
    let staffId: number;
    if (existing?.disabled_at) return { kind: 'disabled' as const, staffId: existing.id };
    if (existing) {
      const roles = [...new Set([...existing.roles, ...invite.roles])];
      await trx.updateTable('staff_members').set({ roles, updated_at: sql`now()` }).where('id', '=', existing.id).execute();
      await recordAudit(trx, { staffId: byStaffId, action: 'staff.roles_changed', subjectType: 'staff_member', subjectId: existing.id, before: { roles: existing.roles }, after: { roles } });
      // The link lets whoever holds it choose this account's password: an admin's record of having issued it.
      await recordAudit(trx, { staffId: byStaffId, action: 'staff.password_link_issued', subjectType: 'staff_member', subjectId: existing.id, after: { email: existing.email } });
      staffId = existing.id;
    } else {
      const created = await trx.insertInto('staff_members').values({ email: invite.email, name: invite.name, roles: invite.roles }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, { staffId: byStaffId, action: 'staff.invited', subjectType: 'staff_member', subjectId: created.id, after: { email: invite.email, name: invite.name, roles: invite.roles } });
      staffId = created.id;
    }
    return { kind: 'invited' as const, staffId, token: await createPasswordLink(trx, staffId) };
  });
}

export async function changeRoles(db: Db, staffId: number, roles: StaffRole[], byStaffId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('staff_members').select('roles').where('id', '=', staffId).forUpdate().executeTakeFirstOrThrow();
    await trx.updateTable('staff_members').set({ roles, updated_at: sql`now()` }).where('id', '=', staffId).execute();
    await recordAudit(trx, { staffId: byStaffId, action: 'staff.roles_changed', subjectType: 'staff_member', subjectId: staffId, before, after: { roles } });
  });
}

export async function setDisabled(db: Db, staffId: number, disabled: boolean, byStaffId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('staff_members').select('disabled_at').where('id', '=', staffId).forUpdate().executeTakeFirstOrThrow();
    await trx.updateTable('staff_members').set({ disabled_at: disabled ? sql`now()` : null, updated_at: sql`now()` }).where('id', '=', staffId).execute();
    if (disabled) await trx.deleteFrom('staff_sessions').where('staff_id', '=', staffId).execute();
    await recordAudit(trx, { staffId: byStaffId, action: disabled ? 'staff.disabled' : 'staff.enabled', subjectType: 'staff_member', subjectId: staffId, before, after: { disabled } });
  });
}
