// What a round achieved, in the staff area for campaign managers (and admins): the outcomes page of a
// round, its form, the reversal of a line recorded by mistake, and the round's report to its donors.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../context';
import { NotFound } from '../../http/errors';
import { localeOf, say } from '../../http/language';
import { serialId } from '../../http/params';
import { cleanText } from '../../http/text';
import { requireArea } from '../../staff/access';
import { outcomeFormFrom, readOutcome, recordOutcome, reverseOutcome, roundOutcomes } from './outcomes';
import { listOutcomes } from './outcomes.repository';
import { outcomesPageView, type OutcomesPageExtra } from './outcomes.view';
import { publishRoundReport, whyNotReportable } from './report';
import { countReportEmails, findReportWithPublisher } from './report.repository';
import { roundOr404 } from './round-request';
import type { Round } from './rounds.repository';

type SlugRequest = Request<{ slug: string; id?: string }>;

async function renderOutcomes({ db, clock }: AppContext, res: Response, round: Round, extra: OutcomesPageExtra = {}, status = 200): Promise<void> {
  const [outcomes, rows, report, emails] = await Promise.all([roundOutcomes(db, round.id), listOutcomes(db, round.id), findReportWithPublisher(db, round.id), countReportEmails(db, round.id)]);
  const notYet = whyNotReportable(round, clock.now(), localeOf(res));
  const state = { report, emails, notYet: notYet && !notYet.ok ? notYet.message : undefined };
  res.status(status).render('missions/rounds/outcomes', outcomesPageView(round, outcomes, rows, state, localeOf(res), extra));
}

const showOutcomes = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const notice = req.query.done === 'recorded' ? say(res, 'rounds.outcomes.recorded') : req.query.done === 'reversed' ? say(res, 'rounds.outcomes.reversed') : undefined;
  const reportNotice = req.query.done === 'published' ? say(res, 'rounds.report.notice') : undefined;
  await renderOutcomes(ctx, res, round, { notice, reportNotice });
};

const recordOutcomeFromForm = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const form = outcomeFormFrom(req.body);
  const read = readOutcome(form, localeOf(res));
  if ('errors' in read) return renderOutcomes(ctx, res, round, { form, errors: read.errors }, 422);
  await recordOutcome(ctx.db, round, read.outcome, res.locals.staff!.id, ctx.clock.now());
  res.redirect(303, `/staff/campaigns/${round.slug}/outcomes?done=recorded#main`);
};

const reverseOutcomeLine = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const id = serialId(req.params.id);
  if (id === undefined) throw new NotFound(say(res, 'rounds.reverse.error.missing'));
  const outcome = await reverseOutcome(ctx.db, round, id, req.body.reason, res.locals.staff!.id, ctx.clock.now(), localeOf(res));
  if (!outcome.ok) return renderOutcomes(ctx, res, round, { reversal: { id, reason: cleanText(req.body.reason), message: outcome.message } }, outcome.status);
  res.redirect(303, `/staff/campaigns/${round.slug}/outcomes?done=reversed#main`);
};

/** Publishes the round's report to its donors, once; a refusal is shown in the page's report section. */
const publishReport = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const published = await publishRoundReport(ctx.db, round, res.locals.staff!.id, ctx.clock.now(), localeOf(res));
  if (!published.ok) return renderOutcomes(ctx, res, round, { reportProblem: published.message }, published.status);
  res.redirect(303, `/staff/campaigns/${round.slug}/outcomes?done=published#report`);
};

export function outcomeRoutes(ctx: AppContext): Router {
  const router = Router();
  const campaigns = requireArea('campaigns');
  router.get('/staff/campaigns/:slug/outcomes', campaigns, showOutcomes(ctx));
  router.post('/staff/campaigns/:slug/outcomes', campaigns, recordOutcomeFromForm(ctx));
  router.post('/staff/campaigns/:slug/outcomes/:id/reversal', campaigns, reverseOutcomeLine(ctx));
  router.post('/staff/campaigns/:slug/report', campaigns, publishReport(ctx));
  return router;
}
