// Staff accounts in staff_members: found by id or by address (compared case-blind), created, changed.
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import type { StaffRole } from '../tables/staff-members.table';

const lowerEmail = sql<string>`lower(email)`;
const normal = (email: string) => email.trim().toLowerCase();

export async function findStaffIdByEmail(db: Db, email: string): Promise<number | undefined> {
  const row = await db.selectFrom('staff_members').select('id').where(lowerEmail, '=', normal(email)).executeTakeFirst();
  return row?.id;
}

export async function findStaffId(db: Db, staffId: number): Promise<number | undefined> {
  const row = await db.selectFrom('staff_members').select('id').where('id', '=', staffId).executeTakeFirst();
  return row?.id;
}

/** What a sign-in attempt needs to know about the account with this address. */
export function findStaffForSignIn(db: Db, email: string) {
  return db.selectFrom('staff_members').select(['id', 'password_hash', 'disabled_at']).where(lowerEmail, '=', normal(email)).executeTakeFirst();
}

export function findEnabledStaffByEmail(db: Db, email: string) {
  return db.selectFrom('staff_members').select(['id', 'email']).where(lowerEmail, '=', normal(email)).where('disabled_at', 'is', null).executeTakeFirst();
}

/** An account as an invitation email needs it: whom to write to, and whether they are still only invited. */
export function findStaffMember(db: Db, staffId: number) {
  return db.selectFrom('staff_members').select(['id', 'email', 'name', 'roles', 'password_hash', 'disabled_at']).where('id', '=', staffId).executeTakeFirst();
}

export function listStaffMembers(db: Db) {
  return db.selectFrom('staff_members').selectAll().orderBy('name').execute();
}

export function lockStaffByEmail(trx: Trx, email: string) {
  return trx.selectFrom('staff_members').selectAll().where(lowerEmail, '=', normal(email)).forUpdate().executeTakeFirst();
}

export function lockStaffRoles(trx: Trx, staffId: number): Promise<{ roles: StaffRole[] }> {
  return trx.selectFrom('staff_members').select('roles').where('id', '=', staffId).forUpdate().executeTakeFirstOrThrow();
}

export function lockStaffDisabledAt(trx: Trx, staffId: number): Promise<{ disabled_at: Date | null }> {
  return trx.selectFrom('staff_members').select('disabled_at').where('id', '=', staffId).forUpdate().executeTakeFirstOrThrow();
}

export async function insertStaffMember(db: Db, member: { email: string; name: string; roles: StaffRole[] }): Promise<number> {
  const created = await db.insertInto('staff_members').values(member).returning('id').executeTakeFirstOrThrow();
  return created.id;
}

export async function updateStaffRoles(db: Db, staffId: number, roles: StaffRole[]): Promise<void> {
  await db.updateTable('staff_members').set({ roles, updated_at: sql`now()` }).where('id', '=', staffId).execute();
}

export async function markStaffDisabled(db: Db, staffId: number, disabled: boolean): Promise<void> {
  await db.updateTable('staff_members').set({ disabled_at: disabled ? sql`now()` : null, updated_at: sql`now()` }).where('id', '=', staffId).execute();
}

/** A new password opens the account again: the unknown-networks brake is released with it. */
export async function updateStaffPassword(db: Db, staffId: number, passwordHash: string): Promise<void> {
  await db.updateTable('staff_members').set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null, updated_at: sql`now()` }).where('id', '=', staffId).execute();
}

export function lockStaffLocale(trx: Trx, staffId: number): Promise<{ locale: string | null }> {
  return trx.selectFrom('staff_members').select('locale').where('id', '=', staffId).forUpdate().executeTakeFirstOrThrow();
}

export async function updateStaffLocale(db: Db, staffId: number, locale: string | null): Promise<void> {
  await db.updateTable('staff_members').set({ locale, updated_at: sql`now()` }).where('id', '=', staffId).execute();
}
