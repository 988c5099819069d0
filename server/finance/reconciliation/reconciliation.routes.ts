// The reconciliation page: open discrepancies first, each resolved with a note; running a chosen day; the CSV.
import { Router, type RequestHandler, type Response } from 'express';
import { dayIn, isDay, previousDay } from '../../calendar';
import type { AppContext } from '../../context';
import { AppError, NotFound } from '../../http/errors';
import { serialId } from '../../http/params';
import { oneLine } from '../../http/text';
import { translate } from '../../i18n/messages';
import { requireArea } from '../../staff/access';
import { sendDiscrepanciesCsv } from './discrepancy-export';
import { noteLimit, reconcileDayAsStaff, resolveDiscrepancy } from './reconciliation';
import { listOpenDiscrepancies, listResolvedDiscrepancies, streamDiscrepancies } from './reconciliation.repository';
import { discrepancyView } from './reconciliation.view';
import { localeOf, say } from '../../http/language';

const finance = requireArea('finance');

interface PageExtra {
  ran?: { day: string; found: number; recorded: number; cleared: number; recovered: number };
  runError?: string;
  runDay?: string;
  resolveErrors?: Record<number, string>;
}

async function renderReconciliationPage(ctx: AppContext, res: Response, extra: PageExtra = {}, status = 200): Promise<void> {
  const locale = localeOf(res);
  const [open, resolved] = await Promise.all([listOpenDiscrepancies(ctx.db), listResolvedDiscrepancies(ctx.db)]);
  res.status(status).render('finance/reconciliation', {
    title: translate(locale, 'finance.reconciliation.heading'),
    open: open.map(discrepancyView(locale)),
    resolved: resolved.map(discrepancyView(locale)),
    yesterday: previousDay(dayIn(ctx.clock.now(), ctx.config.organisation.timeZone)),
    timeZone: ctx.config.organisation.timeZone,
    ...extra,
  });
}

const showReconciliation =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const q = req.query;
    const ran = isDay(q.ran)
      ? { day: q.ran, found: Number(q.found) || 0, recorded: Number(q.recorded) || 0, cleared: Number(q.cleared) || 0, recovered: Number(q.recovered) || 0 }
      : undefined;
    await renderReconciliationPage(ctx, res, { ran });
  };

const runDay =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const day = typeof req.body.day === 'string' ? req.body.day.trim() : '';
    if (!isDay(day) || day > dayIn(ctx.clock.now(), ctx.config.organisation.timeZone)) {
      return renderReconciliationPage(ctx, res, { runError: say(res, 'finance.reconciliation.error.runDay'), runDay: day }, 422);
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
  };

const resolveOne =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const locale = localeOf(res);
    const id = serialId(req.params.id);
    if (id === undefined) throw new NotFound(translate(locale, 'finance.reconciliation.error.noSuchDiscrepancy'));
    // One line, as its input is: the note is also a cell of the reconciliation CSV.
    const note = oneLine(req.body.note);
    if (note === '' || note.length > noteLimit) {
      return renderReconciliationPage(ctx, res, { resolveErrors: { [id]: translate(locale, 'finance.reconciliation.error.note', { limit: noteLimit }) } }, 422);
    }
    await resolveDiscrepancy(ctx.db, id, res.locals.staff!.id, note, locale);
    res.redirect(303, '/staff/finance/reconciliation');
  };

const exportDiscrepanciesCsv =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const status = req.query.status;
    if (status !== undefined && status !== 'open' && status !== 'resolved') throw new AppError(400, 'bad_request', say(res, 'finance.reconciliation.error.statusParameter'));
    await sendDiscrepanciesCsv(res, status ? `reconciliation-${status}.csv` : 'reconciliation.csv', streamDiscrepancies(ctx.db, status), ctx.config.organisation.timeZone);
  };

export function reconciliationRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/staff/finance/reconciliation', finance, showReconciliation(ctx));
  router.post('/staff/finance/reconciliation/run', finance, runDay(ctx));
  router.post('/staff/finance/reconciliation/:id/resolve', finance, resolveOne(ctx));
  router.get('/staff/finance/exports/reconciliation.csv', finance, exportDiscrepanciesCsv(ctx));
  return router;
}
