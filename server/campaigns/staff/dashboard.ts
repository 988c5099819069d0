// The numbers a campaign manager watches: raised against target, who gave and how, where donors
// came from, the pace still needed, all read from the ledger like the public totals.
import type { Db } from '../../database';
import type { Campaign } from '../../tables/campaigns.table';
import { percentOf, scaleByDecimal, type Money } from '../../money';
import { daysLeft } from '../campaign.view';
import { cumulativeRaisedByDay, ratesFor, sumInTarget, totalsOf, type CampaignTotals, type DailyRaised, type RateBook } from '../totals';
import { countGiftsAndReturningDonors, countGivingBySource, sumActivePlans, sumGivingByCurrency, sumLedgerBySource } from './dashboard.repository';

export interface SourceFigures {
  /** The link's utm_source; null for gifts that came without one. */
  source: string | null;
  gifts: number;
  /** In the campaign's target currency, converted as the totals are. */
  raised: Money;
}

export interface CampaignDashboard {
  totals: CampaignTotals;
  target: Money;
  percent: number;
  /** Donations whose money arrived and, net of refunds and disputes, stayed. */
  gifts: number;
  donors: number;
  /** Donors who had given to any campaign before their first gift to this one. */
  returningDonors: number;
  newDonors: number;
  /** Active plans' value per month, per currency (a yearly plan counts a twelfth); never added across currencies. */
  monthlyRecurring: Array<Money & { plans: number }>;
  /** Net raised ÷ gifts, per currency given in. */
  averageGift: Array<Money & { gifts: number }>;
  topSources: SourceFigures[];
  daily: DailyRaised[];
  /** Null for a fund with no end date. */
  daysLeft: number | null;
  /** What each remaining day must bring to reach the target; null when there is no end, no day left, or nothing left to raise. */
  dailyPaceNeeded: Money | null;
  remaining: Money;
}

async function averageGifts(db: Db, campaignId: number): Promise<CampaignDashboard['averageGift']> {
  const rows = await sumGivingByCurrency(db, campaignId);
  return rows.map((row) => ({
    amount: scaleByDecimal(Number(row.net), String(row.gifts), { divide: true }),
    currency: row.currency,
    gifts: Number(row.gifts),
  }));
}

async function monthlyRecurring(db: Db, campaignId: number): Promise<CampaignDashboard['monthlyRecurring']> {
  const rows = await sumActivePlans(db, campaignId);
  const byCurrency = new Map<string, { monthly: number; yearly: number; plans: number }>();
  for (const row of rows) {
    const entry = byCurrency.get(row.currency) ?? { monthly: 0, yearly: 0, plans: 0 };
    if (row.interval === 'year') entry.yearly += Number(row.amount);
    else entry.monthly += Number(row.amount);
    entry.plans += Number(row.plans);
    byCurrency.set(row.currency, entry);
  }
  // The yearly plans are summed first and divided once, so twelve small plans do not each lose a rounding.
  return [...byCurrency].map(([currency, { monthly, yearly, plans }]) => ({
    amount: monthly + scaleByDecimal(yearly, '12', { divide: true }),
    currency,
    plans,
  }));
}

async function topSources(db: Db, campaign: Campaign, rates: RateBook, limit = 10): Promise<SourceFigures[]> {
  const [sums, counts] = await Promise.all([sumLedgerBySource(db, campaign.id), countGivingBySource(db, campaign.id)]);
  const sources = new Map<string | null, SourceFigures>();
  for (const row of counts) sources.set(row.utm_source, { source: row.utm_source, gifts: Number(row.gifts), raised: { amount: 0, currency: campaign.target_currency } });
  for (const source of sources.values()) {
    const own = sums
      .filter((row) => row.utm_source === source.source)
      .map((row) => ({ currency: row.currency, settlement_currency: row.settlement_currency, amount: Number(row.amount), settlement_amount: Number(row.settlement_amount) }));
    source.raised = (await sumInTarget(db, campaign.target_currency, own, rates)).raised;
  }
  return [...sources.values()]
    .sort((a, b) => b.raised.amount - a.raised.amount || b.gifts - a.gifts || String(a.source).localeCompare(String(b.source)))
    .slice(0, limit);
}

/** `timeZone` is the organisation's: the chart's days are its days. */
export async function campaignDashboard(db: Db, campaign: Campaign, now: Date, timeZone: string): Promise<CampaignDashboard> {
  const rates = ratesFor(campaign);
  const [totals, counts, averageGift, recurring, sources, daily] = await Promise.all([
    totalsOf(db, campaign),
    countGiftsAndReturningDonors(db, campaign.id),
    averageGifts(db, campaign.id),
    monthlyRecurring(db, campaign.id),
    topSources(db, campaign, rates),
    cumulativeRaisedByDay(db, campaign, timeZone),
  ]);
  const target = { amount: campaign.target_amount, currency: campaign.target_currency };
  const remaining = { amount: Math.max(0, target.amount - totals.raised.amount), currency: target.currency };
  const left = campaign.status === 'closed' ? 0 : daysLeft(campaign.ends_at, now);
  const dailyPaceNeeded =
    left !== null && left > 0 && remaining.amount > 0
      ? // Rounded up: a pace rounded down would fall just short.
        { amount: Math.ceil(remaining.amount / left), currency: target.currency }
      : null;
  return {
    totals,
    target,
    percent: percentOf(totals.raised, target),
    gifts: counts.gifts,
    donors: totals.donors,
    // A gift without a donor (paid outside the site, no email) is a newcomer as far as we can tell.
    returningDonors: counts.returning,
    newDonors: Math.max(0, totals.donors - counts.returning),
    monthlyRecurring: recurring,
    averageGift,
    topSources: sources,
    daily,
    daysLeft: left,
    dailyPaceNeeded,
    remaining,
  };
}
