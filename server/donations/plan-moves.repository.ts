// Recurring plans leaving rounds that closed: which plans to look at, the move itself, and where a plan's
// gifts went at a given moment.
import { sql, type Insertable } from 'kysely';
import type { Db, Trx } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { RecurringPlanMoveTable } from '../tables/recurring-plan-moves.table';

/** The statuses of a plan that will take another payment: the ones worth moving. */
export const movablePlanStatuses = ['active', 'past_due', 'paused'] as const;

/**
 * Running plans whose campaign may no longer take gifts at `at` (no longer live, or past its end); the
 * caller decides with takesGifts. A plan left on a round with nowhere to go stays in this list.
 */
export async function listPlansOffOpenCampaigns(db: Db, at: Date) {
  return db
    .selectFrom('recurring_plans')
    .innerJoin('campaigns', 'campaigns.id', 'recurring_plans.campaign_id')
    .select(['recurring_plans.id', 'recurring_plans.campaign_id', 'recurring_plans.stripe_subscription_id'])
    .where('recurring_plans.status', 'in', movablePlanStatuses)
    .where((eb) => eb.or([eb('campaigns.status', '<>', 'live'), eb('campaigns.ends_at', '<', at)]))
    .orderBy('recurring_plans.id')
    .execute();
}

export async function findCampaignsById(db: Db, ids: number[]): Promise<Campaign[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('campaigns').selectAll().where('id', 'in', ids).execute();
}

/** Records that a plan left a round: its id, or undefined when it already had (another run, or a payment, came first). */
export async function insertPlanMove(trx: Trx, move: Insertable<RecurringPlanMoveTable>): Promise<string | undefined> {
  const row = await trx
    .insertInto('recurring_plan_moves')
    .values(move)
    .onConflict((oc) => oc.columns(['plan_id', 'from_campaign_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function pointPlanAt(trx: Trx, planId: string, campaignId: number): Promise<void> {
  await trx.updateTable('recurring_plans').set({ campaign_id: campaignId, updated_at: sql`now()` }).where('id', '=', planId).execute();
}

/** Where a plan's payments went at `at`: the round it left first after that moment, or where it points now. */
export async function campaignIdOfPlanAt(db: Db, plan: { id: string; campaign_id: number }, at: Date): Promise<number> {
  const left = await db
    .selectFrom('recurring_plan_moves')
    .select('from_campaign_id')
    .where('plan_id', '=', plan.id)
    .where('moved_at', '>', at)
    .orderBy('moved_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return left?.from_campaign_id ?? plan.campaign_id;
}
