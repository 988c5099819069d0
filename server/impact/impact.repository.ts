import { sql } from 'kysely';
import type { Db } from '../database';
import type { ImpactUpdate } from './impact.table';

/** The gifts that make a donor someone we report back to: money that arrived and stayed, at least in part. */
export const givingStatuses = ['succeeded', 'partially_refunded'] as const;

export async function listImpactUpdates(db: Db, campaignId: number, limit = 10): Promise<ImpactUpdate[]> {
  return db.selectFrom('impact_updates').selectAll().where('campaign_id', '=', campaignId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * The donors an update goes to: every donor who had given to its campaign when it was posted and has
 * not opted out. Fixing the audience at posting time means a fan-out that runs again after a crash
 * walks the same donors.
 */
function recipients(db: Db, update: Pick<ImpactUpdate, 'id' | 'campaign_id'>) {
  return db
    .selectFrom('donors')
    .where('donors.impact_opt_out_at', 'is', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('donations')
          .select(sql.lit(1).as('one'))
          .whereRef('donations.donor_id', '=', 'donors.id')
          .where('donations.campaign_id', '=', update.campaign_id)
          .where('donations.status', 'in', givingStatuses)
          // Compared in SQL: a JavaScript Date would drop the microseconds of created_at.
          .where(sql<Date>`coalesce(donations.succeeded_at, donations.created_at)`, '<=', sql<Date>`(select created_at from impact_updates where id = ${update.id})`),
      ),
    );
}

/** The next `limit` recipients after `afterDonorId`, in id order. */
export async function recipientsAfter(db: Db, update: Pick<ImpactUpdate, 'id' | 'campaign_id'>, afterDonorId: number, limit: number): Promise<number[]> {
  const rows = await recipients(db, update).select('donors.id').where('donors.id', '>', afterDonorId).orderBy('donors.id').limit(limit).execute();
  return rows.map((row) => row.id);
}

export async function countRecipients(db: Db, update: Pick<ImpactUpdate, 'id' | 'campaign_id'>): Promise<number> {
  const { count } = await recipients(db, update).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

export interface ImpactProgress {
  sent: number;
  skipped: number;
  /** Null while the fan-out has not yet walked every donor. */
  total: number | null;
  completedAt: Date | null;
}

export async function impactProgress(db: Db, updateId: number): Promise<ImpactProgress | undefined> {
  const update = await db.selectFrom('impact_updates').select(['total_recipients', 'completed_at']).where('id', '=', updateId).executeTakeFirst();
  if (!update) return undefined;
  const counts = await db
    .selectFrom('impact_deliveries')
    .select((eb) => [eb.fn.count<string>('sent_at').as('sent'), eb.fn.count<string>('skipped_at').as('skipped')])
    .where('update_id', '=', updateId)
    .executeTakeFirstOrThrow();
  return { sent: Number(counts.sent), skipped: Number(counts.skipped), total: update.total_recipients, completedAt: update.completed_at };
}

/**
 * Marks the update complete once the fan-out has counted its donors and every delivery is sent or
 * skipped. Called after each send commits, so whichever send finishes last sees all the others.
 */
export async function completeIfDone(db: Db, updateId: number): Promise<boolean> {
  const result = await db
    .updateTable('impact_updates')
    .set({ completed_at: sql`now()` })
    .where('id', '=', updateId)
    .where('completed_at', 'is', null)
    .where('total_recipients', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('impact_deliveries').select(sql.lit(1).as('one')).where('update_id', '=', updateId).where('sent_at', 'is', null).where('skipped_at', 'is', null))),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
