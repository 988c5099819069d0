// Finance pages for Stripe's payouts: the list, one payout line by line against our ledger, and the CSV.
import { Router } from 'express';
import type { AppContext } from '../context';
import { AppError } from '../http/errors';
import { requireArea } from '../staff/access';
import { csvAmount, sendCsv } from './csv';
import type { PayoutLine } from './payout-matching';
import { listPayouts, payoutExportRows, payoutIdPattern, payoutStatement } from './payouts';
import { dayBounds, dayIn, daysBefore, isDay } from '../calendar';

const statusLabels: Record<PayoutLine['status'], string> = {
  matched: 'Matched',
  amounts_differ: 'Amounts differ from our ledger',
  not_in_ledger: 'Not in our ledger',
  payout: 'Payout',
};

const unixDate = (seconds: number) => new Date(seconds * 1000);

export function payoutRoutes(ctx: AppContext): Router {
  const router = Router();
  const finance = requireArea('finance');

  router.get('/staff/finance/payouts', finance, async (req, res) => {
    const after = typeof req.query.after === 'string' && payoutIdPattern.test(req.query.after) ? req.query.after : undefined;
    let page;
    let problem: string | undefined;
    try {
      page = await listPayouts(ctx.stripe, after);
    } catch (error) {
      // The page still opens, saying why it is empty: finance may want the exports or reconciliation.
      if (!(error instanceof AppError)) throw error;
      problem = error.message;
    }
    res.render('finance/payouts', {
      title: 'Payouts',
      problem,
      payouts: page?.payouts.map((payout) => ({
        id: payout.id,
        created: unixDate(payout.created),
        arrival: unixDate(payout.arrival_date),
        amount: payout.amount,
        currency: payout.currency.toUpperCase(),
        status: payout.status,
      })),
      olderAfter: page?.olderAfter,
      today: dayIn(ctx.clock.now(), ctx.config.organisation.timeZone),
      monthAgo: daysBefore(dayIn(ctx.clock.now(), ctx.config.organisation.timeZone), 30),
    });
  });

  router.get('/staff/finance/payouts/:id', finance, async (req, res) => {
    const { payout, lines, totals, flaggedCount } = await payoutStatement(ctx, String(req.params.id));
    res.render('finance/payout', {
      title: `Payout ${payout.id}`,
      payout: { id: payout.id, created: unixDate(payout.created), arrival: unixDate(payout.arrival_date), amount: payout.amount, currency: payout.currency.toUpperCase(), status: payout.status },
      lines: lines.map((line) => ({ ...line, statusLabel: statusLabels[line.status] })),
      totals,
      flaggedCount,
    });
  });

  router.get('/staff/finance/exports/payouts.csv', finance, async (req, res) => {
    const timeZone = ctx.config.organisation.timeZone;
    const today = dayIn(ctx.clock.now(), timeZone);
    const payoutId = typeof req.query.payout === 'string' ? req.query.payout : undefined;
    if (payoutId !== undefined && !payoutIdPattern.test(payoutId)) throw new AppError(400, 'bad_request', 'payout: expected a payout id such as po_…');
    const from = isDay(req.query.from) ? req.query.from : daysBefore(today, 30);
    const to = isDay(req.query.to) ? req.query.to : today;
    const rows = await payoutExportRows(ctx, payoutId ? { payoutId } : { from: dayBounds(from, timeZone).start, to: dayBounds(to >= from ? to : from, timeZone).end });
    await sendCsv(
      res,
      payoutId ? `payout-${payoutId}.csv` : `payouts-${from}-to-${to}.csv`,
      [
        'payout_id',
        'payout_created',
        'payout_arrival_date',
        'payout_status',
        'payout_amount',
        'balance_transaction_id',
        'created',
        'type',
        'reporting_category',
        'source',
        'currency',
        'amount',
        'fee',
        'net',
        'match',
        'ledger_kind',
        'donation_id',
        'campaign',
      ],
      rows,
      ({ payout, line }) => [
        payout.id,
        unixDate(payout.created),
        unixDate(payout.arrival_date).toISOString().slice(0, 10),
        payout.status,
        csvAmount(payout.amount, payout.currency.toUpperCase()),
        line.id,
        line.created,
        line.type,
        line.reportingCategory,
        line.sourceId,
        line.currency,
        csvAmount(line.amount, line.currency),
        csvAmount(line.fee, line.currency),
        csvAmount(line.net, line.currency),
        line.status,
        line.entry?.kind,
        line.entry?.donation_id ?? line.claimedDonationId,
        line.entry?.campaign_slug,
      ],
    );
  });

  return router;
}
