// The ledger's sums a campaign's totals are built from: campaign_totals and campaign_givers, kept by
// triggers in the transaction that writes the ledger (migration 0011), the givers counted per campaign
// (campaign_donor_counts, 0032), and the ledger itself by day.
import { sql } from 'kysely';
import type { Db } from '../database';

// Sums cast back to bigint, so that they come through server/database.ts's safe-integer guard like every amount.
const summed = (column: 'amount' | 'settlement_amount') => sql<number>`sum(${sql.ref(column)})::bigint`.as(column);

/**
 * The rate recorded from `from` to `to` (Stripe's for a payment, or the bank's for an offline gift it
 * credited in another currency) as of `asOf`: the latest recorded by then, or, when none was, the first
 * recorded after; with no `asOf`, the latest of all. Only from a gift that stands: a reversal repeats the
 * rate of the mistake it takes back, and a row reversed was a mistake.
 */
export async function findRecordedRate(db: Db, from: string, to: string, asOf: Date | null = null): Promise<string | undefined> {
  const rates = db
    .selectFrom('ledger_entries')
    .select('exchange_rate')
    .where('currency', '=', from)
    .where('settlement_currency', '=', to)
    .where('exchange_rate', 'is not', null)
    .where('kind', '=', 'gift')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('ledger_entries as r').select('r.id').whereRef('r.corrects_entry_id', '=', 'ledger_entries.id').where('r.kind', '=', 'reversal'))),
    )
    .limit(1);
  const latest = await (asOf ? rates.where('occurred_at', '<=', asOf) : rates).orderBy('occurred_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (latest || !asOf) return latest?.exchange_rate ?? undefined;
  const first = await rates.where('occurred_at', '>', asOf).orderBy('occurred_at').orderBy('id').executeTakeFirst();
  return first?.exchange_rate ?? undefined;
}

/** Each campaign's ledger summed per pair of gift and settlement currencies. */
export function sumCampaignLedgers(db: Db, campaignIds: number[]) {
  return db
    .selectFrom('campaign_totals')
    .select(['campaign_id', 'currency', 'settlement_currency', summed('amount'), summed('settlement_amount')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'currency', 'settlement_currency'])
    .orderBy('currency')
    .orderBy('settlement_currency')
    .execute();
}

/** People whose gifts to each campaign, net of refunds and disputes, are still above zero: kept per campaign by triggers on campaign_givers (migration 0032). */
export function countCampaignDonors(db: Db, campaignIds: number[]) {
  return db
    .selectFrom('campaign_donor_counts')
    .select(['campaign_id', sql<string>`sum(donors)`.as('donors')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy('campaign_id')
    .execute();
}

/** People whose gifts to any of these campaigns, net of refunds and disputes, are still above zero: each counted once. */
export async function countDonorsAcross(db: Db, campaignIds: number[]): Promise<number> {
  const row = await db
    .selectFrom('campaign_givers')
    .select(sql<string>`count(distinct who)`.as('donors'))
    .where('campaign_id', 'in', campaignIds)
    .where('donations', '>', 0)
    .executeTakeFirstOrThrow();
  return Number(row.donors);
}

/** People with an active or past-due recurring gift to each campaign. */
export function countRecurringDonors(db: Db, campaignIds: number[]) {
  return db
    .selectFrom('recurring_plans')
    .select(['campaign_id', sql<string>`count(distinct donor_id)`.as('donors')])
    .where('campaign_id', 'in', campaignIds)
    .where('status', 'in', ['active', 'past_due'])
    .groupBy('campaign_id')
    .execute();
}

/** The campaign's ledger summed per day in `timeZone` and pair of currencies, days in order. */
export function sumLedgerByDay(db: Db, campaignId: number, timeZone: string) {
  return db
    .selectFrom('ledger_entries')
    .select([sql<string>`to_char(occurred_at at time zone ${timeZone}, 'YYYY-MM-DD')`.as('day'), 'currency', 'settlement_currency', summed('amount'), summed('settlement_amount')])
    .where('campaign_id', '=', campaignId)
    .groupBy([sql`1`, 'currency', 'settlement_currency'])
    .orderBy(sql`1`)
    .orderBy('currency')
    .orderBy('settlement_currency')
    .execute();
}
