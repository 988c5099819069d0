// A donor's data rights in their account: everything held about them as a download (JSON, CSV), and the way
// to be forgotten (a page saying what goes and what the law keeps, and a form confirmed by typing the address).
import { Router, type Request, type Response } from 'express';
import { dayIn } from '../calendar';
import { secureCookies } from '../config';
import type { AppContext } from '../context';
import { sendCsv, type CsvValue } from '../finance/csv';
import { renewFormProtection } from '../http/csrf';
import { localeOf, say } from '../http/language';
import { oneLine } from '../http/text';
import { localize } from '../locale';
import { eraseDonor, PlansNotStopped } from './data-rights/erasure';
import { exportCsvLines, exportDonorData, recordDataDownload } from './data-rights/export';
import { forgetPageView, forgottenPageView, type ForgetForm } from './data-rights/forget.view';
import { listRunningPlans } from './donor.repository';
import { donorSessionCookie } from './sessions';
import { accountForms, signedIn } from './shell';
import { normalEmail } from './sign-in-links';

export function dataRightsRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/account/data.json', downloadJson(ctx));
  router.get('/account/data.csv', downloadCsv(ctx));
  router.get('/account/forget', askToForget(ctx));
  router.post('/account/forget', forget(ctx));
  return router;
}

/** The signed-in donor's own data, the download recorded in the audit log; undefined once answered otherwise. */
async function ownData(ctx: AppContext, res: Response, format: 'json' | 'csv') {
  const donor = signedIn(res);
  if (!donor) return undefined;
  const { config } = ctx;
  const now = ctx.clock.now();
  const data = await exportDonorData(ctx.db, donor.id, { locale: localeOf(res), now, organisation: localize(config.organisation.name, localeOf(res)), timeZone: config.organisation.timeZone });
  if (!data) {
    res.redirect(303, '/account');
    return undefined;
  }
  await recordDataDownload(ctx.db, donor.id, format);
  return { data, filename: `my-data-${dayIn(now, config.organisation.timeZone)}.${format}` };
}

const downloadJson = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const own = await ownData(ctx, res, 'json');
  if (!own) return;
  res
    .set({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="${own.filename}"`, 'Cache-Control': 'private, no-store' })
    .send(`${JSON.stringify(own.data, null, 2)}\n`);
};

const downloadCsv = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const own = await ownData(ctx, res, 'csv');
  if (!own) return;
  const lines = exportCsvLines(own.data);
  const header = [say(res, 'dataRights.csv.section'), say(res, 'dataRights.csv.record'), say(res, 'dataRights.csv.field'), say(res, 'dataRights.csv.value')];
  await sendCsv(res, own.filename, header, (async function* () {
    yield* lines;
  })(), (line: CsvValue[]) => line);
};

async function renderForgetPage(ctx: AppContext, res: Response, donorId: number, form?: ForgetForm, status = 200): Promise<void> {
  const plans = await listRunningPlans(ctx.db, donorId);
  res.status(status).render('donors/forget', forgetPageView(res, ctx.config, plans, form));
}

const askToForget = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const donor = signedIn(res);
  if (!donor) return;
  await renderForgetPage(ctx, res, donor.id);
};

// Typing the account's address is the donor saying, deliberately, that this is them and they mean it.
const forget = (ctx: AppContext) => async (req: Request, res: Response) => {
  const donor = signedIn(res);
  if (!donor) return;
  const confirm = oneLine(req.body?.confirm).slice(0, 254);
  if (normalEmail(confirm) !== normalEmail(donor.email)) {
    const confirmError = say(res, confirm === '' ? 'dataRights.forget.confirmMissing' : 'dataRights.forget.confirmWrong');
    return renderForgetPage(ctx, res, donor.id, { confirm, confirmError }, 422);
  }
  let outcome;
  try {
    outcome = await eraseDonor(ctx, donor.id, ctx.clock.now());
  } catch (error) {
    if (!(error instanceof PlansNotStopped)) throw error;
    ctx.logger.error({ err: error.cause, donorId: donor.id }, 'forget me: Stripe did not stop a regular gift; nothing erased');
    return renderForgetPage(ctx, res, donor.id, { confirm, error: say(res, 'dataRights.forget.providerDown') }, 503);
  }
  if (!outcome) return res.redirect(303, '/account');
  // Signed out: the sessions are gone already; the browser forgets its cookie and its form token.
  res.locals.donor = undefined;
  res.clearCookie(donorSessionCookie, { path: '/account', httpOnly: true, sameSite: 'lax', secure: secureCookies(ctx.config) });
  renewFormProtection(res, accountForms(ctx));
  res.render('donors/forgotten', forgottenPageView(res, ctx.config, { pseudonym: outcome.pseudonym, plansStopped: outcome.plansStopped > 0 }));
};
