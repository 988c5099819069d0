// What a signed-in donor's account reads and writes: always their own rows, by donor id, never by email.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { Locale } from '../locale';
import { isUuid } from '../http/params';
import { currentPartnerReceipts } from '../finance/partner-receipts/partner-receipt.repository';
import { isLatestReceipt } from '../receipts/receipt.repository';

/** Gifts that went through (refunded or disputed ones too, marked so); pending and failed attempts are not history. */
const historyStatuses = ['succeeded', 'partially_refunded', 'refunded', 'disputed'] as const;

export async function listDonorGifts(db: Db, donorId: number, limit = 500) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('receipts', (join) => join.onRef('receipts.donation_id', '=', 'donations.id').on(isLatestReceipt))
    .leftJoin(currentPartnerReceipts(db).as('partner_receipt'), 'partner_receipt.donation_id', 'donations.id')
    .select([
      'donations.id',
      'donations.amount',
      'donations.currency',
      'donations.frequency',
      'donations.status',
      'donations.succeeded_at',
      'donations.created_at',
      'campaigns.title as campaign_title',
      'partner_receipt.id as partner_receipt_id',
      'partner_receipt.partner_name as partner_receipt_partner',
      'partner_receipt.receipt_number as partner_receipt_number',
      'partner_receipt.issued_on as partner_receipt_issued_on',
      'receipts.id as receipt_id',
      'receipts.number as receipt_number',
      'receipts.voided_at as receipt_voided_at',
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

/** The language the donor's emails are written in. */
export async function saveEmailLanguage(db: Db, donorId: number, locale: Locale): Promise<void> {
  await db.updateTable('donors').set({ locale, updated_at: sql`now()` }).where('id', '=', donorId).execute();
}

/** The moves of the donor's plans off closed rounds, oldest first: what the account shows beside each plan. */
export async function listPlanMoves(db: Db, planIds: string[]) {
  if (planIds.length === 0) return [];
  return db
    .selectFrom('recurring_plan_moves')
    .innerJoin('campaigns as left_round', 'left_round.id', 'recurring_plan_moves.from_campaign_id')
    .innerJoin('campaigns as new_round', 'new_round.id', 'recurring_plan_moves.to_campaign_id')
    .select(['recurring_plan_moves.plan_id', 'recurring_plan_moves.moved_at', 'left_round.title as from_title', 'new_round.title as to_title'])
    .where('recurring_plan_moves.plan_id', 'in', planIds)
    .orderBy('recurring_plan_moves.moved_at')
    .orderBy('recurring_plan_moves.id')
    .execute();
}

export type PlanMoveRow = Awaited<ReturnType<typeof listPlanMoves>>[number];

/** What the email telling a donor their gift moved says: the move, the plan as it is now, the donor and both rounds. */
export async function findPlanMoveNotice(db: Db, moveId: string) {
  if (!/^\d{1,18}$/.test(moveId)) return undefined;
  return db
    .selectFrom('recurring_plan_moves')
    .innerJoin('recurring_plans', 'recurring_plans.id', 'recurring_plan_moves.plan_id')
    .innerJoin('donors', 'donors.id', 'recurring_plans.donor_id')
    .innerJoin('campaigns as left_round', 'left_round.id', 'recurring_plan_moves.from_campaign_id')
    .innerJoin('campaigns as new_round', 'new_round.id', 'recurring_plan_moves.to_campaign_id')
    .select(['recurring_plan_moves.moved_at', 'recurring_plans.id as plan_id', 'recurring_plans.amount', 'recurring_plans.currency', 'recurring_plans.interval', 'recurring_plans.status'])
    .select(['donors.email', 'donors.locale', 'left_round.title as from_title', 'left_round.ends_at as from_ends_at', 'new_round.title as to_title'])
    .where('recurring_plan_moves.id', '=', moveId)
    .executeTakeFirst();
}

/** The plan a signed stop link names, with its donor's language and its campaign: the link works without signing in. */
export async function findPlanToStop(db: Db, planId: string) {
  if (!isUuid(planId)) return undefined;
  return db
    .selectFrom('recurring_plans')
    .innerJoin('campaigns', 'campaigns.id', 'recurring_plans.campaign_id')
    .leftJoin('donors', 'donors.id', 'recurring_plans.donor_id')
    .selectAll('recurring_plans')
    .select(['campaigns.title as campaign_title', 'donors.locale as donor_locale'])
    .where('recurring_plans.id', '=', planId)
    .executeTakeFirst();
}

export type PlanToStop = NonNullable<Awaited<ReturnType<typeof findPlanToStop>>>;
