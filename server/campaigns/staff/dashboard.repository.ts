// The dashboard's queries: the gifts that count, who gave before, recurring plans, and sums by source.
import { sql } from 'kysely';
import type { Db } from '../../database';

/** Each donation of the campaign whose ledger, net, is above zero: the gifts that count. */
function givingDonations(db: Db, campaignId: number) {
  return db
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select(['donations.id', 'donations.donor_id', 'donations.currency', 'donations.utm_source', 'donations.succeeded_at'])
    .select((eb) => eb.fn.sum<string>('ledger_entries.amount').as('net'))
    .where('ledger_entries.campaign_id', '=', campaignId)
    .groupBy('donations.id')
    .having((eb) => eb.fn.sum('ledger_entries.amount'), '>', 0);
}

/** The gifts that count, and how many of their donors had given to any campaign before their first gift to this one. */
export async function countGiftsAndReturningDonors(db: Db, campaignId: number): Promise<{ gifts: number; returning: number }> {
  const row = await db
    .with('giving', () => givingDonations(db, campaignId))
    .with('firsts', (qc) =>
      qc.selectFrom('giving').select(['donor_id', (eb) => eb.fn.min('succeeded_at').as('first_at')]).where('donor_id', 'is not', null).groupBy('donor_id'),
    )
    .selectNoFrom((eb) => [
      eb.selectFrom('giving').select((e) => e.fn.countAll<string>().as('n')).as('gifts'),
      eb
        .selectFrom('firsts')
        .select((e) => e.fn.countAll<string>().as('n'))
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('donations as earlier')
              .select(sql.lit(1).as('one'))
              .whereRef('earlier.donor_id', '=', 'firsts.donor_id')
              .whereRef('earlier.succeeded_at', '<', 'firsts.first_at'),
          ),
        )
        .as('returning'),
    ])
    .executeTakeFirstOrThrow();
  return { gifts: Number(row.gifts ?? 0), returning: Number(row.returning ?? 0) };
}

/** The gifts that count, net, summed and counted per currency given in. */
export function sumGivingByCurrency(db: Db, campaignId: number) {
  return db
    .with('giving', () => givingDonations(db, campaignId))
    .selectFrom('giving')
    .select(['currency', (eb) => eb.fn.sum<string>('net').as('net'), (eb) => eb.fn.countAll<string>().as('gifts')])
    .groupBy('currency')
    .orderBy('currency')
    .execute();
}

/** Active plans' amounts summed per currency and interval. */
export function sumActivePlans(db: Db, campaignId: number) {
  return db
    .selectFrom('recurring_plans')
    .select(['currency', 'interval', (eb) => eb.fn.sum<string>('amount').as('amount'), (eb) => eb.fn.countAll<string>().as('plans')])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'active')
    .groupBy(['currency', 'interval'])
    .orderBy('currency')
    .execute();
}

/** The campaign's ledger summed per utm_source and pair of gift and settlement currencies. */
export function sumLedgerBySource(db: Db, campaignId: number) {
  return db
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select(['donations.utm_source', 'ledger_entries.currency', 'ledger_entries.settlement_currency'])
    .select((eb) => [eb.fn.sum<string>('ledger_entries.amount').as('amount'), eb.fn.sum<string>('ledger_entries.settlement_amount').as('settlement_amount')])
    .where('ledger_entries.campaign_id', '=', campaignId)
    .groupBy(['donations.utm_source', 'ledger_entries.currency', 'ledger_entries.settlement_currency'])
    .execute();
}

/** The gifts that count, per utm_source. */
export function countGivingBySource(db: Db, campaignId: number) {
  return db
    .with('giving', () => givingDonations(db, campaignId))
    .selectFrom('giving')
    .select(['utm_source', (eb) => eb.fn.countAll<string>().as('gifts')])
    .groupBy('utm_source')
    .execute();
}
