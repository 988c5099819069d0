// What a campaign has raised: the ledger's sums, which triggers keep in campaign_totals and campaign_givers
// in the very transaction that writes the ledger (migration 0011), so they never drift from it.
import type { Db } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import { convertAtRate, sumPerCurrency, type Money } from '../money';
import { countCampaignDonors, countDonorsAcross, countRecurringDonors, findRecordedRate, sumCampaignLedgers, sumLedgerByDay } from './totals.repository';

export interface CampaignTotals {
  /** In the campaign's target currency: gifts in that currency as given, others as Stripe (or the bank) settled them. */
  raised: Money;
  /** Net of refunds and disputes, per currency the gifts were given in. */
  raisedByCurrency: Money[];
  /** Money that no recorded rate can bring into the target currency yet; left out of `raised`. */
  unconverted: Money[];
  /** People whose gifts, net of refunds and disputes, are still above zero. */
  donors: number;
  /** People with an active or past-due recurring gift. */
  recurringDonors: number;
}

type CampaignRef = Pick<Campaign, 'id' | 'target_currency' | 'closed_at' | 'ends_at'>;

/** Ledger amounts summed for one pair of gift and settlement currencies. */
export interface LedgerSum {
  currency: string;
  settlement_currency: string;
  amount: number;
  settlement_amount: number;
}

/**
 * The moment a sum's rates are as of (null: the latest), and the rates already looked up for it, keyed
 * "TARGET>SETTLEMENT", so one page asks the database once per pair.
 */
export interface RateBook {
  asOf: Date | null;
  known: Map<string, string | undefined>;
}

export const latestRates = (): RateBook => ({ asOf: null, known: new Map() });

/**
 * A campaign's money is counted at the rates recorded up to when it stopped taking gifts (staff closed it,
 * or its end), so that what a closed round raised stays what it raised, on its page, its mission's page
 * and its report, whatever rates later gifts elsewhere record; a campaign still open counts at the latest.
 */
export const ratesFor = (campaign: Pick<Campaign, 'closed_at' | 'ends_at'>): RateBook => ({ asOf: campaign.closed_at ?? campaign.ends_at, known: new Map() });

/**
 * One sum in the target currency: as given when given in it, as settled when settled in it, otherwise the
 * settlement brought back at the rate recorded as of the book's moment; undefined when no rate exists.
 */
export async function amountInTarget(db: Db, sum: LedgerSum, target: string, rates: RateBook): Promise<number | undefined> {
  if (sum.currency === target) return sum.amount;
  if (sum.settlement_currency === target) return sum.settlement_amount;
  const key = `${target}>${sum.settlement_currency}`;
  if (!rates.known.has(key)) rates.known.set(key, await findRecordedRate(db, target, sum.settlement_currency, rates.asOf));
  const rate = rates.known.get(key);
  if (!rate) return undefined;
  return convertAtRate({ amount: sum.settlement_amount, currency: sum.settlement_currency }, target, rate, { inverse: true }).amount;
}

/** Several sums brought into `target` as campaign totals are; what no rate converts is kept apart. */
export async function sumInTarget(db: Db, target: string, sums: LedgerSum[], rates: RateBook = latestRates()): Promise<{ raised: Money; unconverted: Money[] }> {
  const raised: Money = { amount: 0, currency: target };
  const unconverted: Money[] = [];
  for (const sum of sums) {
    const converted = await amountInTarget(db, sum, target, rates);
    if (converted === undefined) unconverted.push({ amount: sum.amount, currency: sum.currency });
    else raised.amount += converted;
  }
  return { raised, unconverted };
}

export async function campaignTotals(db: Db, campaigns: CampaignRef[]): Promise<Map<number, CampaignTotals>> {
  const ids = campaigns.map((c) => c.id);
  const totals = new Map<number, CampaignTotals>(
    campaigns.map((c) => [c.id, { raised: { amount: 0, currency: c.target_currency }, raisedByCurrency: [], unconverted: [], donors: 0, recurringDonors: 0 }]),
  );
  if (ids.length === 0) return totals;

  const [sums, donors, recurring] = await Promise.all([sumCampaignLedgers(db, ids), countCampaignDonors(db, ids), countRecurringDonors(db, ids)]);

  for (const campaign of campaigns) {
    const total = totals.get(campaign.id)!;
    const own = sums.filter((row) => row.campaign_id === campaign.id);
    total.raisedByCurrency = sumPerCurrency(own);
    Object.assign(total, await sumInTarget(db, total.raised.currency, own, ratesFor(campaign)));
  }
  for (const row of donors) totals.get(row.campaign_id)!.donors = Number(row.donors);
  for (const row of recurring) totals.get(row.campaign_id)!.recurringDonors = Number(row.donors);
  return totals;
}

export interface CombinedTotals {
  /** In `target`: each campaign's money converted as its `raised` is, at the rates recorded as of its close (ratesFor). */
  raised: Money;
  /** Net of refunds and disputes, per currency the gifts were given in. */
  raisedByCurrency: Money[];
  /** What no recorded rate brings into `target` yet, per currency; left out of `raised`. */
  unconverted: Money[];
  /** People who gave to any of the campaigns, each counted once. */
  donors: number;
}

/** Several campaigns' money together (a mission's rounds), per currency given and in `target`: the sum of each one's. */
export async function combinedTotals(db: Db, campaigns: Array<Pick<Campaign, 'id' | 'closed_at' | 'ends_at'>>, target: string): Promise<CombinedTotals> {
  if (campaigns.length === 0) return { raised: { amount: 0, currency: target }, raisedByCurrency: [], unconverted: [], donors: 0 };
  const ids = campaigns.map((campaign) => campaign.id);
  const [sums, donors] = await Promise.all([sumCampaignLedgers(db, ids), countDonorsAcross(db, ids)]);
  const raised: Money = { amount: 0, currency: target };
  const unconverted: Money[] = [];
  for (const campaign of campaigns) {
    const own = await sumInTarget(db, target, sums.filter((row) => row.campaign_id === campaign.id), ratesFor(campaign));
    raised.amount += own.raised.amount;
    unconverted.push(...own.unconverted);
  }
  return { raised, raisedByCurrency: sumPerCurrency(sums), unconverted: sumPerCurrency(unconverted), donors };
}

export async function totalsOf(db: Db, campaign: CampaignRef): Promise<CampaignTotals> {
  return (await campaignTotals(db, [campaign])).get(campaign.id)!;
}

export interface DailyRaised {
  /** A day in the time zone asked for (the organisation's), "2026-11-03". */
  day: string;
  /** Everything raised up to the end of that day, in the target currency, as `raised` counts it. */
  cumulative: Money;
}

/**
 * What the campaign had raised by the end of each day that money moved, in `timeZone`'s days (the
 * organisation's). Each day's figure converts the running sums exactly as campaignTotals converts the
 * final ones, so the last day's figure is the campaign's `raised` to the minor unit.
 */
export async function cumulativeRaisedByDay(db: Db, campaign: CampaignRef, timeZone: string): Promise<DailyRaised[]> {
  const rows = await sumLedgerByDay(db, campaign.id, timeZone);
  const running = new Map<string, LedgerSum>();
  const rates = ratesFor(campaign);
  const days: DailyRaised[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const key = `${row.currency}>${row.settlement_currency}`;
    const before = running.get(key);
    running.set(key, before ? { ...row, amount: before.amount + row.amount, settlement_amount: before.settlement_amount + row.settlement_amount } : row);
    if (rows[i + 1]?.day === row.day) continue;
    const { raised } = await sumInTarget(db, campaign.target_currency, [...running.values()], rates);
    days.push({ day: row.day, cumulative: raised });
  }
  return days;
}
