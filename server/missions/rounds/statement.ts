// A round's restricted money, per currency and never summed across currencies: what it raised (the
// ledger, net of refunds and disputes, as campaign totals count it), what it spent, what it sent to and
// received from other rounds, and the balance those leave. The statement adds the lines behind them and
// what the round achieved.
import type { Db } from '../../database';
import { sumCampaignLedgers } from '../../campaigns/totals.repository';
import { sumPerCurrency, type Money } from '../../money';
import type { SpendingCategory } from '../../tables/round-spending.table';
import { listSpending, listTransfers, sumSpending, sumSpendingByCategory, sumTransfers, type SpendingRow, type TransferRow } from './funds.repository';
import { roundOutcomes, type RoundOutcomes } from './outcomes';

export const spendingCategories: readonly SpendingCategory[] = ['surgeries', 'hospital_stays', 'travel', 'medicine', 'training', 'other'];

/** One currency of a round's restricted money, in its minor units: balance = income − spent + transfersIn − transfersOut. */
export interface FundLine {
  currency: string;
  /** Gifts net of refunds and disputes. */
  income: number;
  /** Spending net of its reversals. */
  spent: number;
  transfersIn: number;
  transfersOut: number;
  balance: number;
}

const byCurrency = (a: { currency: string }, b: { currency: string }) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0);

/** What the round raised, per currency given, net of refunds and disputes; currencies that came to nothing left out. */
export async function roundIncome(db: Db, campaignId: number): Promise<Money[]> {
  return sumPerCurrency(await sumCampaignLedgers(db, [campaignId])).filter((m) => m.amount !== 0).sort(byCurrency);
}

/** Each round's money per currency it has any in (raised, spent or moved), currencies in alphabetical order. */
export async function roundFunds(db: Db, campaignIds: number[]): Promise<Map<number, FundLine[]>> {
  const funds = new Map<number, Map<string, FundLine>>(campaignIds.map((id) => [id, new Map()]));
  if (campaignIds.length === 0) return new Map();
  const [income, spent, transfers] = await Promise.all([sumCampaignLedgers(db, campaignIds), sumSpending(db, campaignIds), sumTransfers(db, campaignIds)]);
  const lineOf = (campaignId: number, currency: string): FundLine => {
    const lines = funds.get(campaignId)!;
    let line = lines.get(currency);
    if (!line) lines.set(currency, (line = { currency, income: 0, spent: 0, transfersIn: 0, transfersOut: 0, balance: 0 }));
    return line;
  };
  for (const row of income) lineOf(row.campaign_id, row.currency).income += row.amount;
  for (const row of spent) lineOf(row.campaign_id, row.currency).spent += row.amount;
  for (const row of transfers.in) lineOf(row.campaign_id, row.currency).transfersIn += row.amount;
  for (const row of transfers.out) lineOf(row.campaign_id, row.currency).transfersOut += row.amount;
  return new Map(
    [...funds].map(([id, lines]) => [id, [...lines.values()].map((line) => ({ ...line, balance: line.income - line.spent + line.transfersIn - line.transfersOut })).sort(byCurrency)]),
  );
}

/** The round's balance in `currency`, in minor units (0 when it has none); under lockRounds, the balance a transfer is checked against. */
export async function roundBalance(db: Db, campaignId: number, currency: string): Promise<number> {
  const lines = (await roundFunds(db, [campaignId])).get(campaignId) ?? [];
  return lines.find((line) => line.currency === currency)?.balance ?? 0;
}

export interface RoundStatement {
  campaignId: number;
  /** Per currency, alphabetical. */
  funds: FundLine[];
  /** Each category with spending, in the categories' order, its net amounts per currency. */
  spendingByCategory: Array<{ category: SpendingCategory; amounts: Money[] }>;
  /** Every spending row, reversals included, in the order recorded. */
  spending: SpendingRow[];
  /** Every transfer into or out of the round, reversals included, in the order recorded. */
  transfers: TransferRow[];
  outcomes: RoundOutcomes;
}

/** Everything a round's statement shows: its money per currency, the lines behind it, and its outcomes. */
export async function roundStatement(db: Db, campaignId: number): Promise<RoundStatement> {
  const [funds, categories, spending, transfers, outcomes] = await Promise.all([
    roundFunds(db, [campaignId]),
    sumSpendingByCategory(db, campaignId),
    listSpending(db, campaignId),
    listTransfers(db, campaignId),
    roundOutcomes(db, campaignId),
  ]);
  const spendingByCategory = spendingCategories
    .map((category) => ({ category, amounts: categories.filter((row) => row.category === category && row.amount !== 0).map(({ amount, currency }) => ({ amount, currency })).sort(byCurrency) }))
    .filter((row) => row.amounts.length > 0);
  return { campaignId, funds: funds.get(campaignId) ?? [], spendingByCategory, spending, transfers, outcomes };
}
