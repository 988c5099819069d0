// What a campaign has raised, read from the ledger every time, so it can never drift from it.
import { sql } from 'kysely';
import type { Db } from '../../db/index';
import type { Campaign } from '../../db/schema';
import { convertAtRate, type Money } from '../money';

export interface CampaignTotals {
  /** In the campaign's target currency: gifts in that currency as given, others as Stripe settled them. */
  raised: Money;
  /** Net of refunds and disputes, per currency the gifts were given in. */
  raisedByCurrency: Money[];
  /** Money that no rate recorded by Stripe can bring into the target currency yet; left out of `raised`. */
  unconverted: Money[];
  /** People whose gifts, net of refunds and disputes, are still above zero. */
  donors: number;
  /** People with an active or past-due recurring gift. */
  recurringDonors: number;
}

type CampaignRef = Pick<Campaign, 'id' | 'target_currency'>;

/** Stripe's latest recorded rate from `from` to `to`, taken from a balance transaction in the ledger. */
async function latestRecordedRate(db: Db, from: string, to: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('ledger_entries')
    .select('exchange_rate')
    .where('currency', '=', from)
    .where('settlement_currency', '=', to)
    .where('exchange_rate', 'is not', null)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.exchange_rate ?? undefined;
}

export async function campaignTotals(db: Db, campaigns: CampaignRef[]): Promise<Map<number, CampaignTotals>> {
  const ids = campaigns.map((c) => c.id);
  const totals = new Map<number, CampaignTotals>(
    campaigns.map((c) => [c.id, { raised: { amount: 0, currency: c.target_currency }, raisedByCurrency: [], unconverted: [], donors: 0, recurringDonors: 0 }]),
  );
  if (ids.length === 0) return totals;

  const [sums, donors, recurring] = await Promise.all([
    db
      .selectFrom('ledger_entries')
      .select(['campaign_id', 'currency', 'settlement_currency'])
      .select((eb) => [eb.fn.sum<string>('amount').as('amount'), eb.fn.sum<string>('settlement_amount').as('settlement_amount')])
      .where('campaign_id', 'in', ids)
      .groupBy(['campaign_id', 'currency', 'settlement_currency'])
      .orderBy('currency')
      .execute(),
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('ledger_entries')
          .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
          .select(['ledger_entries.campaign_id', sql<string>`coalesce(donations.donor_id::text, donations.id::text)`.as('who')])
          .where('ledger_entries.campaign_id', 'in', ids)
          .groupBy(['ledger_entries.campaign_id', 'donations.id'])
          .having((eb) => eb.fn.sum('ledger_entries.amount'), '>', 0)
          .as('giving'),
      )
      .select(['campaign_id', sql<string>`count(distinct who)`.as('donors')])
      .groupBy('campaign_id')
      .execute(),
    db
      .selectFrom('recurring_plans')
      .select(['campaign_id', sql<string>`count(distinct donor_id)`.as('donors')])
      .where('campaign_id', 'in', ids)
      .where('status', 'in', ['active', 'past_due'])
      .groupBy('campaign_id')
      .execute(),
  ]);

  const rates = new Map<string, string | undefined>();
  for (const row of sums) {
    const total = totals.get(row.campaign_id)!;
    const amount = Number(row.amount);
    const settled = Number(row.settlement_amount);
    const target = total.raised.currency;
    const byCurrency = total.raisedByCurrency.find((m) => m.currency === row.currency);
    if (byCurrency) byCurrency.amount += amount;
    else total.raisedByCurrency.push({ amount, currency: row.currency });

    if (row.currency === target) total.raised.amount += amount;
    else if (row.settlement_currency === target) total.raised.amount += settled;
    else {
      const key = `${target}>${row.settlement_currency}`;
      if (!rates.has(key)) rates.set(key, await latestRecordedRate(db, target, row.settlement_currency));
      const rate = rates.get(key);
      if (rate) total.raised.amount += convertAtRate({ amount: settled, currency: row.settlement_currency }, target, rate, { inverse: true }).amount;
      else total.unconverted.push({ amount, currency: row.currency });
    }
  }
  for (const row of donors) totals.get(row.campaign_id)!.donors = Number(row.donors);
  for (const row of recurring) totals.get(row.campaign_id)!.recurringDonors = Number(row.donors);
  return totals;
}

export async function totalsOf(db: Db, campaign: CampaignRef): Promise<CampaignTotals> {
  return (await campaignTotals(db, [campaign])).get(campaign.id)!;
}
