// Stripe's payouts read for finance: the list, and one payout's balance transactions beside our ledger.
import type Stripe from 'stripe';
import type { AppContext } from '../../context';
import { NotFound, ServiceUnavailable } from '../../http/errors';
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { matchLines, matchPayout, type PayoutLine, type PayoutMatch } from './payout-matching';
import { listLedgerRowsForTransactions } from './payout.repository';

export const payoutIdPattern = /^po_[A-Za-z0-9]{1,64}$/;

/** Stripe's times are Unix seconds. */
export const unixDate = (seconds: number) => new Date(seconds * 1000);

/** Stripe away, or a payout Stripe does not know, as the errors a page shows (in `locale`); anything else as it was. */
export function asStripeProblem(error: unknown, locale: Locale): unknown {
  const e = error as { type?: string; statusCode?: number; code?: string };
  if (e?.type === 'StripeConnectionError' || e?.type === 'StripeAPIError' || e?.type === 'StripeRateLimitError') {
    return new ServiceUnavailable(translate(locale, 'finance.payouts.error.stripeAway'));
  }
  if (e?.type === 'StripeInvalidRequestError' && (e.statusCode === 404 || e.code === 'resource_missing')) return new NotFound(translate(locale, 'finance.payouts.error.stripeHasNoPayout'));
  return error;
}

export interface PayoutPage {
  payouts: Stripe.Payout[];
  /** The id to page on from, when Stripe has older payouts. */
  olderAfter?: string;
}

export async function listPayouts(stripe: Stripe, locale: Locale, startingAfter?: string, limit = 25): Promise<PayoutPage> {
  try {
    const page = await stripe.payouts.list({ limit, ...(startingAfter ? { starting_after: startingAfter } : {}) });
    return { payouts: page.data, ...(page.has_more && page.data.length > 0 ? { olderAfter: page.data[page.data.length - 1]!.id } : {}) };
  } catch (error) {
    throw asStripeProblem(error, locale);
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
export async function payoutStatement(ctx: Pick<AppContext, 'db' | 'stripe'>, payoutId: string, locale: Locale): Promise<PayoutStatement> {
  if (!payoutIdPattern.test(payoutId)) throw new NotFound(translate(locale, 'finance.payouts.error.noSuchPayout'));
  try {
    const payout = await ctx.stripe.payouts.retrieve(payoutId);
    const transactions: Stripe.BalanceTransaction[] = [];
    for await (const page of payoutTransactionPages(ctx.stripe, payoutId)) transactions.push(...page);
    // Oldest first reads like a bank statement; Stripe lists newest first.
    transactions.reverse();
    const ledger = await listLedgerRowsForTransactions(
      ctx.db,
      transactions.map((txn) => txn.id),
    );
    return { payout, ...matchPayout(payout, transactions, ledger) };
  } catch (error) {
    throw asStripeProblem(error, locale);
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
export async function payoutExportRows(ctx: Pick<AppContext, 'db' | 'stripe'>, range: { from: Date; to: Date } | { payoutId: string }, locale: Locale): Promise<AsyncIterable<PayoutExportRow>> {
  const stripe = ctx.stripe;
  let first: Stripe.ApiList<Stripe.Payout>;
  try {
    first =
      'payoutId' in range
        ? { object: 'list', data: [await stripe.payouts.retrieve(range.payoutId)], has_more: false, url: '/v1/payouts' }
        : await stripe.payouts.list({ limit: 100, created: { gte: Math.floor(range.from.getTime() / 1000), lt: Math.floor(range.to.getTime() / 1000) } });
  } catch (error) {
    throw asStripeProblem(error, locale);
  }
  async function* rows(): AsyncGenerator<PayoutExportRow> {
    let page = first;
    for (;;) {
      for (const payout of page.data) {
        for await (const transactions of payoutTransactionPages(stripe, payout.id)) {
          const ledger = await listLedgerRowsForTransactions(
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
