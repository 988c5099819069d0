// The audit log: who changed what, when, before and after. Written in the transaction of the change.
import { sql } from 'kysely';
import type { Db } from '../database';

export interface AuditEntry {
  staffId: number | null;
  action: string;
  subjectType: string;
  subjectId: string | number;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      staff_id: entry.staffId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: String(entry.subjectId),
      before: entry.before === undefined ? null : JSON.parse(JSON.stringify(entry.before)),
      after: entry.after === undefined ? null : JSON.parse(JSON.stringify(entry.after)),
    })
    .execute();
}

/**
 * The latest changes, newest first, with the name of whoever made each (null from the command line), the
 * name of the colleague a change was made to, and the currency of the gift one was made to.
 */
export async function listRecentAuditEntries(db: Db, limit: number) {
  return db
    .selectFrom('audit_log')
    .leftJoin('staff_members', 'staff_members.id', 'audit_log.staff_id')
    .leftJoin('staff_members as subject_member', (join) => join.on(sql<boolean>`audit_log.subject_type = 'staff_member' and subject_member.id::text = audit_log.subject_id`))
    .leftJoin('donations', (join) => join.on(sql<boolean>`audit_log.subject_type = 'donation' and donations.id::text = audit_log.subject_id`))
    .select(['audit_log.at', 'audit_log.action', 'audit_log.subject_type', 'audit_log.subject_id', 'audit_log.before', 'audit_log.after', 'staff_members.name'])
    .select(['subject_member.name as subject_name', 'donations.currency as donation_currency'])
    .orderBy('audit_log.id', 'desc')
    .limit(limit)
    .execute();
}

export type AuditLogRow = Awaited<ReturnType<typeof listRecentAuditEntries>>[number];
