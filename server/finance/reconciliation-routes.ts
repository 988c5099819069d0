// The reconciliation page: open discrepancies first, each resolved with a note; running a chosen day; the CSV.
import { Router, type Response } from 'express';
import { sql } from 'kysely';
import type { AppContext } from '../context';
import { AppError, NotFound } from '../http/errors';
import { requireArea } from '../staff/access';
import { csvAmount, sendCsv } from './csv';
import { dayIn, isDay, previousDay } from '../calendar';
import { noteLimit, reconcileDayAsStaff, resolveDiscrepancy } from './reconciliation';
import { serialId } from '../http/params';
import { oneLine } from '../http/text';

const kindLabels: Record<string, string> = {
  missing_in_ledger: 'In Stripe, missing from our ledger',
  amount_mismatch: 'Amounts differ',
  unknown_in_stripe: 'In our ledger, not in Stripe that day',
};

export function reconciliationRoutes(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();
  const finance = requireArea('finance');

  const discrepancies = () =>
    db
      .selectFrom('reconciliation_discrepancies as d')
      .leftJoin('staff_members as s', 's.id', 'd.resolved_by')
      .select([
        'd.id',
        sql<string>`d.day::text`.as('day'),
        'd.kind',
        'd.stripe_balance_transaction_id',
        'd.stripe_object_id',
        'd.reporting_category',
        sql<string>`trim(d.currency)`.as('currency'),
        'd.stripe_amount',
        'd.stripe_fee',
        'd.stripe_net',
        'd.ledger_amount',
        'd.ledger_fee',
        'd.ledger_net',
        'd.donation_id',
        'd.found_at',
        'd.resolved_at',
        'd.note',
        's.name as resolved_by_name',
      ]);

  async function renderPage(res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const [open, resolved] = await Promise.all([
      discrepancies().where('d.resolved_at', 'is', null).orderBy('d.day', 'desc').orderBy('d.id').execute(),
      discrepancies().where('d.resolved_at', 'is not', null).orderBy('d.resolved_at', 'desc').orderBy('d.id', 'desc').limit(200).execute(),
    ]);
    const view = (row: (typeof open)[number]) => ({ ...row, kindLabel: kindLabels[row.kind] ?? row.kind, resolvedBy: row.resolved_by_name ?? (row.resolved_at ? 'the reconciliation run' : null) });
    res.status(status).render('finance/reconciliation', {
      title: 'Reconciliation',
      open: open.map(view),
      resolved: resolved.map(view),
      yesterday: previousDay(dayIn(ctx.clock.now(), ctx.config.organisation.timeZone)),
      timeZone: ctx.config.organisation.timeZone,
      ...extra,
    });
  }

  router.get('/staff/finance/reconciliation', finance, async (req, res) => {
    const q = req.query;
    const ran = isDay(q.ran)
      ? { day: q.ran, found: Number(q.found) || 0, recorded: Number(q.recorded) || 0, cleared: Number(q.cleared) || 0, recovered: Number(q.recovered) || 0 }
      : undefined;
    await renderPage(res, { ran });
  });

  router.post('/staff/finance/reconciliation/run', finance, async (req, res) => {
    const day = typeof req.body.day === 'string' ? req.body.day.trim() : '';
    if (!isDay(day) || day > dayIn(ctx.clock.now(), ctx.config.organisation.timeZone)) {
      return renderPage(res, { runError: 'Enter a day such as 2026-01-31, today or earlier.', runDay: day }, 422);
    }
    const outcome = await reconcileDayAsStaff(ctx, day, res.locals.staff!.id);
    const query = new URLSearchParams({
      ran: day,
      found: String(outcome.found),
      recorded: String(outcome.recorded),
      cleared: String(outcome.cleared),
      recovered: String(outcome.events?.recovered ?? 0),
    });
    res.redirect(303, `/staff/finance/reconciliation?${query}`);
  });

  router.post('/staff/finance/reconciliation/:id/resolve', finance, async (req, res) => {
    const id = serialId(req.params.id);
    if (id === undefined) throw new NotFound('There is no such discrepancy.');
    // One line, as its input is: the note is also a cell of the reconciliation CSV.
    const note = oneLine(req.body.note);
    if (note === '' || note.length > noteLimit) {
      return renderPage(res, { resolveErrors: { [id]: `Say what you found or did (at most ${noteLimit} characters).` } }, 422);
    }
    await resolveDiscrepancy(db, id, res.locals.staff!.id, note);
    res.redirect(303, '/staff/finance/reconciliation');
  });

  router.get('/staff/finance/exports/reconciliation.csv', finance, async (req, res) => {
    const status = req.query.status;
    if (status !== undefined && status !== 'open' && status !== 'resolved') throw new AppError(400, 'bad_request', 'status: expected open or resolved');
    let query = discrepancies().orderBy('d.day').orderBy('d.id');
    if (status === 'open') query = query.where('d.resolved_at', 'is', null);
    if (status === 'resolved') query = query.where('d.resolved_at', 'is not', null);
    await sendCsv(
      res,
      status ? `reconciliation-${status}.csv` : 'reconciliation.csv',
      [
        'id',
        'day',
        'kind',
        'status',
        'balance_transaction_id',
        'stripe_object_id',
        'reporting_category',
        'currency',
        'stripe_amount',
        'stripe_fee',
        'stripe_net',
        'ledger_amount',
        'ledger_fee',
        'ledger_net',
        'donation_id',
        'found_at',
        'resolved_at',
        'resolved_by',
        'note',
      ],
      query.stream(100),
      (d) => [
        d.id,
        d.day,
        d.kind,
        d.resolved_at ? 'resolved' : 'open',
        d.stripe_balance_transaction_id,
        d.stripe_object_id,
        d.reporting_category,
        d.currency,
        csvAmount(d.stripe_amount, d.currency),
        csvAmount(d.stripe_fee, d.currency),
        csvAmount(d.stripe_net, d.currency),
        csvAmount(d.ledger_amount, d.currency),
        csvAmount(d.ledger_fee, d.currency),
        csvAmount(d.ledger_net, d.currency),
        d.donation_id,
        d.found_at,
        d.resolved_at,
        d.resolved_by_name ?? (d.resolved_at ? 'reconciliation run' : null),
        d.note,
      ],
    );
  });

  return router;
}
