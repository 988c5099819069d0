// Finance pages for Stripe's payouts: the list, one payout line by line against our ledger, and the CSV.
import { Router, type RequestHandler } from 'express';
import type Stripe from 'stripe';
import { dayBounds, dayIn, daysBefore, isDay } from '../../calendar';
import type { AppContext } from '../../context';
import { AppError } from '../../http/errors';
import { translate } from '../../i18n/messages';
import { type Locale } from '../../locale';
import { requireArea } from '../../staff/access';
import { sendPayoutsCsv } from './payout-export';
import { listPayouts, payoutExportRows, payoutIdPattern, payoutStatement, type PayoutPage } from './payouts';
import { payoutLineView, payoutView } from './payout.view';
import { localeOf } from '../../http/language';

const finance = requireArea('finance');

/** A page of payouts, or, when Stripe is away, why the page is empty. */
async function payoutsOrProblem(stripe: Stripe, locale: Locale, after: string | undefined): Promise<{ page?: PayoutPage; problem?: string }> {
  try {
    return { page: await listPayouts(stripe, locale, after) };
  } catch (error) {
    // The page still opens, saying why it is empty: finance may want the exports or reconciliation.
    if (!(error instanceof AppError)) throw error;
    return { problem: error.message };
  }
}

const showPayouts =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const locale = localeOf(res);
    const after = typeof req.query.after === 'string' && payoutIdPattern.test(req.query.after) ? req.query.after : undefined;
    const { page, problem } = await payoutsOrProblem(ctx.stripe, locale, after);
    const today = dayIn(ctx.clock.now(), ctx.config.organisation.timeZone);
    res.render('finance/payouts', {
      title: translate(locale, 'finance.payouts.heading'),
      problem,
      payouts: page?.payouts.map(payoutView),
      olderAfter: page?.olderAfter,
      today,
      monthAgo: daysBefore(today, 30),
    });
  };

const showPayout =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const locale = localeOf(res);
    const { payout, lines, totals, flaggedCount } = await payoutStatement(ctx, String(req.params.id), locale);
    res.render('finance/payout', {
      title: translate(locale, 'finance.payout.heading', { id: payout.id }),
      payout: payoutView(payout),
      lines: lines.map(payoutLineView(locale)),
      totals,
      flaggedCount,
    });
  };

const exportPayoutsCsv =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const locale = localeOf(res);
    const timeZone = ctx.config.organisation.timeZone;
    const today = dayIn(ctx.clock.now(), timeZone);
    const payoutId = typeof req.query.payout === 'string' ? req.query.payout : undefined;
    if (payoutId !== undefined && !payoutIdPattern.test(payoutId)) throw new AppError(400, 'bad_request', translate(locale, 'finance.payouts.error.payoutParameter'));
    const from = isDay(req.query.from) ? req.query.from : daysBefore(today, 30);
    const to = isDay(req.query.to) ? req.query.to : today;
    const range = payoutId ? { payoutId } : { from: dayBounds(from, timeZone).start, to: dayBounds(to >= from ? to : from, timeZone).end };
    const rows = await payoutExportRows(ctx, range, locale);
    await sendPayoutsCsv(res, payoutId ? `payout-${payoutId}.csv` : `payouts-${from}-to-${to}.csv`, rows, timeZone);
  };

export function payoutRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/staff/finance/payouts', finance, showPayouts(ctx));
  router.get('/staff/finance/payouts/:id', finance, showPayout(ctx));
  router.get('/staff/finance/exports/payouts.csv', finance, exportPayoutsCsv(ctx));
  return router;
}
