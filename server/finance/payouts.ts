// Stripe's payouts read for finance: the list, and one payout's balance transactions beside our ledger.
import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Db } from '../database';
import type { AppContext } from '../context';
import { NotFound, ServiceUnavailable } from '../http/errors';
import { localize } from '../locale';
import { matchLines, matchPayout, type LedgerRowForMatching, type PayoutLine, type PayoutMatch } from './payout-matching';

export const payoutIdPattern = /^po_[A-Za-z0-9]{1,64}$/;

/** Stripe away, or a payout Stripe does not know, as the errors a page shows; anything else as it was. */
export function asStripeProblem(error: unknown, what: string): unknown {
  const e = error as { type?: string; statusCode?: number; code?: string };
  if (e?.type === 'StripeConnectionError' || e?.type === 'StripeAPIError' || e?.type === 'StripeRateLimitError') {
    return new ServiceUnavailable('Stripe could not be reached just now. Please try again in a minute.');
  }
  if (e?.type === 'StripeInvalidRequestError' && (e.statusCode === 404 || e.code === 'resource_missing')) return new NotFound(`Stripe has no ${what}.`);
  return error;
}

/** Our ledger rows for these balance transactions, with each donation's campaign. */
export async function ledgerRowsFor(db: Db, transactionIds: string[]): Promise<LedgerRowForMatching[]> {
  if (transactionIds.length === 0) return [];
  const rows = await db
    .selectFrom('ledger_entries')
    .innerJoin('campaigns', 'campaigns.id', 'ledger_entries.campaign_id')
    .select([
      'ledger_entries.id',
      'ledger_entries.stripe_balance_transaction_id',
      'ledger_entries.kind',
      'ledger_entries.donation_id',
      'ledger_entries.campaign_id',
      'campaigns.slug as campaign_slug',
      'campaigns.title as campaign_title',
      'ledger_entries.amount',
      sql<string>`trim(ledger_entries.currency)`.as('currency'),
      'ledger_entries.settlement_amount',
      sql<string>`trim(ledger_entries.settlement_currency)`.as('settlement_currency'),
      'ledger_entries.fee',
      'ledger_entries.net',
    ])
    .where('ledger_entries.stripe_balance_transaction_id', 'in', transactionIds)
    .execute();
  return rows.map((row) => ({ ...row, stripe_balance_transaction_id: row.stripe_balance_transaction_id!, campaign_title: localize(row.campaign_title, 'en') }));
}

export interface PayoutPage {
  payouts: Stripe.Payout[];
  /** The id to page on from, when Stripe has older payouts. */
  olderAfter?: string;
}

export async function listPayouts(stripe: Stripe, startingAfter?: string, limit = 25): Promise<PayoutPage> {
  try {
    const page = await stripe.payouts.list({ limit, ...(startingAfter ? { starting_after: startingAfter } : {}) });
    return { payouts: page.data, ...(page.has_more && page.data.length > 0 ? { olderAfter: page.data[page.data.length - 1]!.id } : {}) };
  } catch (error) {
    throw asStripeProblem(error, 'such payout');
  }
}

/** Every balance transaction a payout holds, its own line included, a page of 100 at a time. */
export async function* payoutTransactionPages(stripe: Stripe, payoutId: string): AsyncGenerator<Stripe.BalanceTransaction[]> {
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripe.balanceTransactions.list({ payout: payoutId, limit: 100, expand: ['data.source'], ...(startingAfter ? { starting_after: startingAfter } : {}) });
    if (page.data.length > 0) yield page.data;
    if (!page.has_more || page.data.length === 0) return;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
}

export interface PayoutStatement extends PayoutMatch {
  payout: Stripe.Payout;
}

/** One payout, every line it paid out matched to our ledger, and its totals. */
export async function payoutStatement(ctx: Pick<AppContext, 'db' | 'stripe'>, payoutId: string): Promise<PayoutStatement> {
  if (!payoutIdPattern.test(payoutId)) throw new NotFound('There is no such payout.');
  try {
    const payout = await ctx.stripe.payouts.retrieve(payoutId);
    const transactions: Stripe.BalanceTransaction[] = [];
    for await (const page of payoutTransactionPages(ctx.stripe, payoutId)) transactions.push(...page);
    // Oldest first reads like a bank statement; Stripe lists newest first.
    transactions.reverse();
    const ledger = await ledgerRowsFor(
      ctx.db,
      transactions.map((txn) => txn.id),
    );
    return { payout, ...matchPayout(payout, transactions, ledger) };
  } catch (error) {
    throw asStripeProblem(error, 'such payout');
  }
}

export interface PayoutExportRow {
  payout: Stripe.Payout;
  line: PayoutLine;
}

/**
 * Every line of every payout created in [from, to), newest payout first, matched a page at a time so
 * that a year of payouts never sits in memory. The first Stripe call is made before this returns, so
 * a Stripe that is away fails the request before any CSV is sent.
 */
export async function payoutExportRows(ctx: Pick<AppContext, 'db' | 'stripe'>, range: { from: Date; to: Date } | { payoutId: string }): Promise<AsyncIterable<PayoutExportRow>> {
  const stripe = ctx.stripe;
  let first: Stripe.ApiList<Stripe.Payout>;
  try {
    first =
      'payoutId' in range
        ? { object: 'list', data: [await stripe.payouts.retrieve(range.payoutId)], has_more: false, url: '/v1/payouts' }
        : await stripe.payouts.list({ limit: 100, created: { gte: Math.floor(range.from.getTime() / 1000), lt: Math.floor(range.to.getTime() / 1000) } });
  } catch (error) {
    throw asStripeProblem(error, 'such payout');
  }
  async function* rows(): AsyncGenerator<PayoutExportRow> {
    let page = first;
    for (;;) {
      for (const payout of page.data) {
        for await (const transactions of payoutTransactionPages(stripe, payout.id)) {
          const ledger = await ledgerRowsFor(
            ctx.db,
            transactions.map((txn) => txn.id),
          );
          for (const line of matchLines(payout, transactions, ledger)) yield { payout, line };
        }
      }
      if (!page.has_more || page.data.length === 0 || 'payoutId' in range) return;
      page = await stripe.payouts.list({
        limit: 100,
        created: { gte: Math.floor(range.from.getTime() / 1000), lt: Math.floor(range.to.getTime() / 1000) },
        starting_after: page.data[page.data.length - 1]!.id,
      });
    }
  }
  return rows();
}
