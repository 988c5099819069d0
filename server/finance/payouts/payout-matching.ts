// Matches the balance transactions a payout holds to our ledger rows and adds them up. No Stripe calls and
// no database: the caller fetches both sides, so the rule can be tested on plain objects.
import type Stripe from 'stripe';
import type { LedgerEntry } from '../../tables/ledger-entries.table';
import { idOf } from '../../stripe/ids';

/**
 * A ledger row as the matching needs it, with the donation's campaign: `amount` is in the donation's
 * currency, signed; the settlement columns are what moved in our Stripe balance, compared with the
 * balance transaction.
 */
export type LedgerRowForMatching = Pick<LedgerEntry, 'id' | 'kind' | 'donation_id' | 'campaign_id' | 'amount' | 'currency' | 'settlement_amount' | 'settlement_currency' | 'fee' | 'net'> & {
  stripe_balance_transaction_id: string;
  campaign_slug: string;
  campaign_title: string;
  /** Who gave, as the gift names them (or their donor record does); null for an anonymous gift. */
  donor_name?: string | null;
  donor_email?: string | null;
};

/**
 * matched: our row for it says the same amounts; amounts_differ: our row says something else;
 * not_in_ledger: we have no row for it; payout: the payout's own line, which moves the money out.
 */
export type LineStatus = 'matched' | 'amounts_differ' | 'not_in_ledger' | 'payout';

export interface PayoutLine {
  id: string;
  type: string;
  reportingCategory: string;
  /** Settlement minor units, signed as Stripe signs them. */
  amount: number;
  fee: number;
  net: number;
  /** Upper case. */
  currency: string;
  created: Date;
  /** The charge, refund or dispute (or payout) the money moved for. */
  sourceId: string | null;
  description: string | null;
  status: LineStatus;
  /** Every line but the payout's own that does not match our ledger exactly. */
  flagged: boolean;
  entry?: LedgerRowForMatching;
  /** For a charge we have no row for: the donation its metadata names, if any. */
  claimedDonationId?: string;
}

export interface PayoutTotals {
  currency: string;
  /** Over every line except the payout's own; gross - fee = net. */
  gross: number;
  fee: number;
  net: number;
  payoutAmount: number;
  /** The lines' net is what the payout paid. */
  addsUp: boolean;
}

export interface PayoutMatch {
  lines: PayoutLine[];
  totals: PayoutTotals;
  flaggedCount: number;
}

type PayoutLike = Pick<Stripe.Payout, 'id' | 'amount' | 'currency'> & { balance_transaction?: Stripe.Payout['balance_transaction'] };


function claimedDonation(source: Stripe.BalanceTransaction['source']): string | undefined {
  if (typeof source !== 'object' || source === null || source.object !== 'charge') return undefined;
  return (source as Stripe.Charge).metadata?.donation_id || undefined;
}

const sameAmounts = (entry: LedgerRowForMatching, txn: Stripe.BalanceTransaction) =>
  entry.settlement_amount === txn.amount && entry.fee === txn.fee && entry.net === txn.net && entry.settlement_currency === txn.currency.toUpperCase();

/** Each transaction of `payout` beside our row for it, in the order given. */
export function matchLines(payout: PayoutLike, transactions: Stripe.BalanceTransaction[], ledger: LedgerRowForMatching[]): PayoutLine[] {
  const byTransaction = new Map(ledger.map((entry) => [entry.stripe_balance_transaction_id, entry]));
  const ownTransaction = idOf(payout.balance_transaction);
  return transactions.map((txn) => {
    const sourceId = idOf(txn.source);
    const entry = byTransaction.get(txn.id);
    const isOwnLine = txn.id === ownTransaction || (txn.type === 'payout' && sourceId === payout.id);
    const status: LineStatus = isOwnLine ? 'payout' : !entry ? 'not_in_ledger' : sameAmounts(entry, txn) ? 'matched' : 'amounts_differ';
    return {
      id: txn.id,
      type: txn.type,
      reportingCategory: txn.reporting_category,
      amount: txn.amount,
      fee: txn.fee,
      net: txn.net,
      currency: txn.currency.toUpperCase(),
      created: new Date(txn.created * 1000),
      sourceId,
      description: txn.description,
      status,
      flagged: status === 'not_in_ledger' || status === 'amounts_differ',
      ...(entry ? { entry } : {}),
      ...(status === 'not_in_ledger' && claimedDonation(txn.source) ? { claimedDonationId: claimedDonation(txn.source) } : {}),
    };
  });
}

/** The lines' gross, fee and net, and whether they add up to what the payout paid. */
export function totalOf(payout: PayoutLike, lines: PayoutLine[]): PayoutTotals {
  const counted = lines.filter((line) => line.status !== 'payout');
  const sum = (pick: (line: PayoutLine) => number) => counted.reduce((total, line) => total + pick(line), 0);
  const net = sum((line) => line.net);
  return { currency: payout.currency.toUpperCase(), gross: sum((line) => line.amount), fee: sum((line) => line.fee), net, payoutAmount: payout.amount, addsUp: net === payout.amount };
}

export function matchPayout(payout: PayoutLike, transactions: Stripe.BalanceTransaction[], ledger: LedgerRowForMatching[]): PayoutMatch {
  const lines = matchLines(payout, transactions, ledger);
  return { lines, totals: totalOf(payout, lines), flaggedCount: lines.filter((line) => line.flagged).length };
}
