// What a signed-in donor's account reads and writes: always their own rows, by donor id, never by email.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { Locale } from '../locale';
import { isUuid } from '../http/params';

/** Gifts that went through (refunded or disputed ones too, marked so); pending and failed attempts are not history. */
const historyStatuses = ['succeeded', 'partially_refunded', 'refunded', 'disputed'] as const;

export async function listDonorGifts(db: Db, donorId: number, limit = 500) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('receipts', 'receipts.donation_id', 'donations.id')
    .select([
      'donations.id',
      'donations.amount',
      'donations.currency',
      'donations.frequency',
      'donations.status',
      'donations.succeeded_at',
      'donations.created_at',
      'campaigns.title as campaign_title',
      'receipts.id as receipt_id',
      'receipts.number as receipt_number',
    ])
    .where('donations.donor_id', '=', donorId)
    .where('donations.status', 'in', historyStatuses)
    .orderBy(sql`coalesce(donations.succeeded_at, donations.created_at)`, 'desc')
    .orderBy('donations.id')
    .limit(limit)
    .execute();
}

/** Regular gifts still running or able to run again: active, past due or paused. */
export async function listRunningPlans(db: Db, donorId: number) {
  return donorsPlans(db, donorId).where('recurring_plans.status', 'in', ['active', 'past_due', 'paused']).orderBy('recurring_plans.created_at').execute();
}

/** A donor's plans made through Stripe, with their campaign's title. */
function donorsPlans(db: Db, donorId: number) {
  return db
    .selectFrom('recurring_plans')
    .innerJoin('campaigns', 'campaigns.id', 'recurring_plans.campaign_id')
    .selectAll('recurring_plans')
    .select('campaigns.title as campaign_title')
    .where('recurring_plans.donor_id', '=', donorId)
    .where('recurring_plans.stripe_subscription_id', 'is not', null);
}

export type AccountPlan = Awaited<ReturnType<typeof listRunningPlans>>[number];

/** One of the donor's own plans, or undefined: another donor's plan is as unknown as one that does not exist. */
export async function findDonorPlan(db: Db, donorId: number, planId: string): Promise<AccountPlan | undefined> {
  if (!isUuid(planId)) return undefined;
  return donorsPlans(db, donorId).where('recurring_plans.id', '=', planId).executeTakeFirst();
}

/** Years with at least one standing receipted gift, newest first: the years a statement exists for. */
export async function statementYears(db: Db, donorId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .select('receipts.year')
    .distinct()
    .where('donations.donor_id', '=', donorId)
    .where('donations.status', 'in', ['succeeded', 'partially_refunded'])
    .orderBy('receipts.year', 'desc')
    .execute();
  return rows.map((row) => row.year);
}

export async function savePreferences(db: Db, donorId: number, preferences: { impactUpdates: boolean; locale: Locale }): Promise<void> {
  await db
    .updateTable('donors')
    .set({
      locale: preferences.locale,
      // Keeps the first opt-out's date when the box stays unticked.
      impact_opt_out_at: preferences.impactUpdates ? null : sql`coalesce(impact_opt_out_at, now())`,
      updated_at: sql`now()`,
    })
    .where('id', '=', donorId)
    .execute();
}
