// The signed-in donor's statements in their account, by fiscal year: the page and its PDF, only ever their own.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { localeOf } from '../http/language';
import { sendStatementPdf } from '../receipts/statement.routes';
import { statementView } from '../receipts/statement.view';
import { readStatement } from '../receipts/statements';
import { signedIn } from './shell';

/** "2026" → 2026, the fiscal year beginning in it; anything else (not a year we could have gifts in) → undefined. */
function fiscalYearParam(value: unknown): number | undefined {
  return typeof value === 'string' && /^[12]\d{3}$/.test(value) ? Number(value) : undefined;
}

/** The signed-in donor's statement of the year the address names, or undefined once the response is sent (signed out, or no such year). */
async function ownStatement({ db, config }: AppContext, req: Request, res: Response) {
  const donor = signedIn(res);
  if (!donor) return undefined;
  const year = fiscalYearParam(req.params.year);
  if (year === undefined) return void res.redirect(303, '/account');
  const statement = await readStatement(db, config, donor.id, year);
  if (!statement) return void res.redirect(303, '/account');
  return statementView(config, statement, localeOf(res));
}

const showStatement = (ctx: AppContext) => async (req: Request, res: Response) => {
  const view = await ownStatement(ctx, req, res);
  if (!view) return;
  res.render('donors/statement', { title: view.heading, statement: view, pdfHref: `/account/statements/${view.year}/pdf`, inAccount: true });
};

const downloadStatementPdf = (ctx: AppContext) => async (req: Request, res: Response) => {
  const view = await ownStatement(ctx, req, res);
  if (view) await sendStatementPdf(res, view);
};

/** Mounted inside the account's routes, behind its shell (session, CSRF, no caching). */
export function accountStatementRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/account/statements/:year', showStatement(ctx));
  router.get('/account/statements/:year/pdf', downloadStatementPdf(ctx));
  return router;
}
