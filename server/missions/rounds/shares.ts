// Each giver's share of a round's income, in the mission's currency, by one stated rule (the catalogs'
// 'share.rule' says it to donors): every currency the round was given in is counted in the mission's
// currency once, for the whole round, at the rates recorded by its close (Stripe's, or the bank's for
// money finance recorded by hand: ratesFor), exactly as the round's total is; that sum is divided among
// the givers in that currency in proportion to what each gave in it (net of refunds and disputes), each
// part rounded down to the minor unit, and the units left over go one each to the largest remainders, the
// earliest giver first on ties. So the shares add up to the round's income to the minor unit. Then what a
// share is of the round (a percentage) and of its outcomes (operations, sessions).
import type { Db } from '../../database';
import { amountInTarget, type LedgerSum, type RateBook } from '../../campaigns/totals';
import { allocateInProportion, sumPerCurrency, type Money } from '../../money';
import type { GiverSum } from './report.repository';

export interface GiverShare {
  who: string;
  donorId: number | null;
  /** The currency given in, and what the giver's gifts in it come to, net. */
  currency: string;
  given: number;
  /** Its part of the income, in the report's currency. */
  counted: number;
  firstGivenAt: Date;
}

export type DividedIncome = { ok: true; income: number; shares: GiverShare[] } | { ok: false; unconverted: Money[] };

interface Giving {
  who: string;
  donorId: number | null;
  given: number;
  firstGivenAt: Date;
}

/**
 * The round's ledger per giver divided as the rule above says, at the rates `rates` is as of (the round's:
 * ratesFor); what no recorded rate converts yet is named instead.
 */
export async function divideIncome(db: Db, sums: GiverSum[], target: string, rates: RateBook): Promise<DividedIncome> {
  const counted = new Map<string, number>();
  const givers = new Map<string, Map<string, Giving>>();
  const unconverted: Money[] = [];
  // Each pair of gift and settlement currencies summed over all givers first, then converted once, as
  // combinedTotals converts the round's total: converting each giver's sum would round once per giver.
  const pairs = new Map<string, LedgerSum>();
  for (const sum of sums) {
    const key = `${sum.currency}>${sum.settlement_currency}`;
    const pair = pairs.get(key);
    if (pair) {
      pair.amount += sum.amount;
      pair.settlement_amount += sum.settlement_amount;
    } else pairs.set(key, { currency: sum.currency, settlement_currency: sum.settlement_currency, amount: sum.amount, settlement_amount: sum.settlement_amount });
  }
  for (const pair of pairs.values()) {
    const converted = await amountInTarget(db, pair, target, rates);
    if (converted === undefined) unconverted.push({ amount: pair.amount, currency: pair.currency });
    else counted.set(pair.currency, (counted.get(pair.currency) ?? 0) + converted);
  }
  for (const sum of sums) {
    const inCurrency = givers.get(sum.currency) ?? new Map<string, Giving>();
    givers.set(sum.currency, inCurrency);
    const giving = inCurrency.get(sum.who);
    if (giving) {
      giving.given += sum.amount;
      if (sum.first_given_at < giving.firstGivenAt) giving.firstGivenAt = sum.first_given_at;
    } else inCurrency.set(sum.who, { who: sum.who, donorId: sum.donor_id, given: sum.amount, firstGivenAt: sum.first_given_at });
  }
  const owed = sumPerCurrency(unconverted).filter((m) => m.amount !== 0);
  if (owed.length > 0) return { ok: false, unconverted: owed };

  const shares: GiverShare[] = [];
  let unheld = 0;
  for (const [currency, inCurrency] of givers) {
    const total = counted.get(currency) ?? 0;
    const holders = [...inCurrency.values()].sort((a, b) => a.firstGivenAt.getTime() - b.firstGivenAt.getTime() || (a.who < b.who ? -1 : 1));
    if (holders.reduce((whole, g) => whole + g.given, 0) <= 0) {
      // Every gift in this currency was given back, and what stays is what the rates did meanwhile.
      unheld += total;
      continue;
    }
    const parts = allocateInProportion(total, holders.map((g) => g.given));
    holders.forEach((g, i) => shares.push({ who: g.who, donorId: g.donorId, currency, given: g.given, counted: parts[i]!, firstGivenAt: g.firstGivenAt }));
  }
  if (unheld !== 0 && shares.some((share) => share.counted > 0)) {
    // That remainder belongs to the round all the same: spread over every share by the same rule, earliest giver first on ties.
    shares.sort((a, b) => a.firstGivenAt.getTime() - b.firstGivenAt.getTime() || (a.who < b.who ? -1 : a.who > b.who ? 1 : a.currency < b.currency ? -1 : 1));
    const parts = allocateInProportion(unheld, shares.map((share) => Math.max(share.counted, 0)));
    shares.forEach((share, i) => (share.counted += parts[i]!));
  }
  const kept = shares.filter((share) => share.given !== 0 || share.counted !== 0);
  const income = kept.reduce((total, share) => total + share.counted, 0);
  // With no gift left to hold it, what the rates left is no one's share, and the round has nothing to report.
  return kept.some((share) => share.counted > 0) ? { ok: true, income, shares: kept } : { ok: true, income: 0, shares: [] };
}

/** A share of the round in hundredths of a percent, rounded half up; 0 for a share that rounds below 0.01 %. */
export function hundredthsOfPercent(counted: number, income: number): number {
  if (income <= 0 || counted <= 0) return 0;
  return Number((BigInt(counted) * 20_000n + BigInt(income)) / (BigInt(income) * 2n));
}

/**
 * What a share of the round's money is of one of its outcomes (`count` children operated, or sessions):
 * about one, or about `tenths`/10 of them, from 0.95 of one up; a whole percent of one from three fifths to
 * 0.95; a simple fraction of one (a half to a tenth) from about a tenth to three fifths; a whole percent of
 * one below that, or `tiny` when that rounds to nothing.
 */
export type OutcomeShare =
  | { kind: 'none' }
  | { kind: 'one' }
  | { kind: 'many'; tenths: number }
  | { kind: 'fraction'; denominator: number }
  | { kind: 'percent'; percent: number }
  | { kind: 'tiny' };

export function outcomeShare(count: number, counted: number, income: number): OutcomeShare {
  if (count <= 0 || counted <= 0 || income <= 0) return { kind: 'none' };
  const numerator = BigInt(count) * BigInt(counted);
  const whole = BigInt(income);
  const rounded = (n: bigint, d: bigint) => Number((n * 2n + d) / (d * 2n));
  const tenths = rounded(numerator * 10n, whole);
  if (tenths >= 10 && numerator * 20n >= whole * 19n) return tenths === 10 ? { kind: 'one' } : { kind: 'many', tenths };
  // Below nine tenths of one: a half to a tenth where the nearest such fraction is near enough.
  if (numerator * 5n <= whole * 3n && numerator * 21n >= whole * 2n) return { kind: 'fraction', denominator: Math.min(10, Math.max(2, rounded(whole, numerator))) };
  const percent = rounded(numerator * 100n, whole);
  return percent >= 1 ? { kind: 'percent', percent } : { kind: 'tiny' };
}
