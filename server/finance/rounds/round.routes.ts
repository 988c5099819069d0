// Finance's pages for rounds: every round with its balances, a round's statement (and its CSV), the
// spending and transfers recorded on it, their reversals, the receipt scans behind the spending, and the
// round's report to donors with the CSV of its shares.
import { sendUploadedFile } from '../../http/uploaded-file';
import { Router, type Request, type Response } from 'express';
import { dayIn } from '../../calendar';
import type { AppContext } from '../../context';
import { NotFound } from '../../http/errors';
import { localeOf, say } from '../../http/language';
import { serialId } from '../../http/params';
import { cleanText } from '../../http/text';
import type { MessageKey } from '../../i18n/messages';
import { findSpendingAttachment } from '../../missions/rounds/funds.repository';
import { findReportWithPublisher, listShares } from '../../missions/rounds/report.repository';
import type { ReversalOutcome } from '../../missions/rounds/reversals';
import { roundOr404 } from '../../missions/rounds/round-request';
import { listRounds, listSisterRounds, type Round } from '../../missions/rounds/rounds.repository';
import { roundFunds, roundStatement } from '../../missions/rounds/statement';
import { requireArea } from '../../staff/access';
import { roundsListView, statementPageView, type ReversalProblem, type StatementPageExtra, type StatementReport } from './round.view';
import { sendSharesCsv } from './shares-export';
import { readSpending, recordSpending, reverseSpending, spendingFormFrom } from './spending';
import { sendStatementCsv } from './statement-export';
import { readTransfer, recordTransfer, reverseTransfer, transferFormFrom } from './transfers';

type RoundRequest = Request<{ slug: string; id?: string }>;

const today = (ctx: AppContext) => dayIn(ctx.clock.now(), ctx.config.organisation.timeZone);

const notices: Record<string, MessageKey> = { spending: 'rounds.notice.spending', spendingReversed: 'rounds.notice.spendingReversed', transfer: 'rounds.notice.transfer', transferReversed: 'rounds.notice.transferReversed' };

function lineId(req: RoundRequest, res: Response): number {
  const id = serialId(req.params.id);
  if (id === undefined) throw new NotFound(say(res, 'rounds.reverse.error.missing'));
  return id;
}

/** The round's report and its shares, once published. */
async function findStatementReport({ db }: AppContext, round: Round): Promise<StatementReport | undefined> {
  const report = await findReportWithPublisher(db, round.id);
  return report && { report, shares: await listShares(db, round.id) };
}

async function renderStatement(ctx: AppContext, res: Response, round: Round, extra: StatementPageExtra = {}, status = 200): Promise<void> {
  const [statement, sisters, report] = await Promise.all([roundStatement(ctx.db, round.id), listSisterRounds(ctx.db, round), findStatementReport(ctx, round)]);
  res.status(status).render('finance/rounds/statement', statementPageView({ round, statement, sisters, now: ctx.clock.now(), today: today(ctx), report }, localeOf(res), extra));
}

/** After a reversal: back to the statement, or the statement again with why it was refused beside the row. */
async function answerReversal(ctx: AppContext, req: RoundRequest, res: Response, round: Round, kind: ReversalProblem['kind'], outcome: ReversalOutcome): Promise<void> {
  if (outcome.ok) return res.redirect(303, `/staff/finance/rounds/${round.slug}?done=${kind}Reversed#main`);
  await renderStatement(ctx, res, round, { reversal: { kind, id: lineId(req, res), reason: cleanText(req.body.reason), message: outcome.message } }, outcome.status);
}

const showRounds = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const rounds = await listRounds(ctx.db);
  const funds = await roundFunds(ctx.db, rounds.map((round) => round.id));
  res.render('finance/rounds/list', roundsListView(rounds, funds, localeOf(res), ctx.clock.now()));
};

const showStatement = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const notice = typeof req.query.done === 'string' && Object.hasOwn(notices, req.query.done) ? say(res, notices[req.query.done]!) : undefined;
  await renderStatement(ctx, res, round, { notice });
};

const exportStatement = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  await sendStatementCsv(res, round, await roundStatement(ctx.db, round.id), ctx.config.organisation.timeZone, today(ctx));
};

const exportShares = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const published = await findStatementReport(ctx, round);
  if (!published) throw new NotFound(say(res, 'rounds.report.none'));
  await sendSharesCsv(res, round, published.report, published.shares, ctx.config.organisation.timeZone, today(ctx), localeOf(res));
};

const recordSpendingFromForm = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const form = spendingFormFrom(req.body);
  const read = readSpending(form, req.uploads?.attachment, today(ctx), localeOf(res));
  if ('errors' in read) return renderStatement(ctx, res, round, { spendingForm: form, spendingErrors: read.errors }, 422);
  await recordSpending(ctx.db, round, read.entry, res.locals.staff!.id, ctx.clock.now());
  res.redirect(303, `/staff/finance/rounds/${round.slug}?done=spending#main`);
};

const reverseSpendingLine = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  await answerReversal(ctx, req, res, round, 'spending', await reverseSpending(ctx.db, round, lineId(req, res), req.body.reason, res.locals.staff!.id, ctx.clock.now(), localeOf(res)));
};

/** The receipt scan, as every uploaded file is sent back. */
const downloadAttachment = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const attachment = await findSpendingAttachment(ctx.db, round.id, lineId(req, res));
  if (!attachment) throw new NotFound(say(res, 'rounds.spending.noAttachment'));
  sendUploadedFile(res, attachment);
};

const recordTransferFromForm = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  const form = transferFormFrom(req.body);
  const [sisters, funds] = await Promise.all([listSisterRounds(ctx.db, round), roundFunds(ctx.db, [round.id])]);
  const holding = (funds.get(round.id) ?? []).filter((line) => line.balance > 0).map((line) => line.currency);
  const read = readTransfer(form, sisters, holding, localeOf(res));
  const recorded = 'entry' in read ? await recordTransfer(ctx.db, round, read.entry, res.locals.staff!.id, ctx.clock.now(), localeOf(res)) : { ok: false as const, errors: read.errors };
  if (!recorded.ok) return renderStatement(ctx, res, round, { transferForm: form, transferErrors: recorded.errors }, 422);
  res.redirect(303, `/staff/finance/rounds/${round.slug}?done=transfer#main`);
};

const reverseTransferLine = (ctx: AppContext) => async (req: RoundRequest, res: Response) => {
  const round = await roundOr404(ctx.db, req.params.slug, res);
  await answerReversal(ctx, req, res, round, 'transfer', await reverseTransfer(ctx.db, round, lineId(req, res), req.body.reason, res.locals.staff!.id, ctx.clock.now(), localeOf(res)));
};

export function roundRoutes(ctx: AppContext): Router {
  const router = Router();
  const finance = requireArea('finance');
  router.get('/staff/finance/rounds', finance, showRounds(ctx));
  router.get('/staff/finance/rounds/:slug', finance, showStatement(ctx));
  router.get('/staff/finance/rounds/:slug/statement.csv', finance, exportStatement(ctx));
  router.get('/staff/finance/rounds/:slug/shares.csv', finance, exportShares(ctx));
  router.post('/staff/finance/rounds/:slug/spending', finance, recordSpendingFromForm(ctx));
  router.post('/staff/finance/rounds/:slug/spending/:id/reversal', finance, reverseSpendingLine(ctx));
  router.get('/staff/finance/rounds/:slug/spending/:id/attachment', finance, downloadAttachment(ctx));
  router.post('/staff/finance/rounds/:slug/transfers', finance, recordTransferFromForm(ctx));
  router.post('/staff/finance/rounds/:slug/transfers/:id/reversal', finance, reverseTransferLine(ctx));
  return router;
}
