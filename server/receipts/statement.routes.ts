// A statement's page behind the link its PDF carries, where a tax office or an employer can see that it is
// ours, and the same statement as a PDF. Anyone with the signed link may read it, in their language.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { asLocale, localeFrom, say } from '../http/language';
import { NotFound } from '../http/errors';
import { renderStatementPdf } from './statement-pdf';
import { statementOfPath, statementView, type StatementView } from './statement.view';
import { readStatement } from './statements';

/** The statement a link's token names, in the donor's language unless the reader switched; 404 for any other token. */
async function statementOfLink({ db, config }: AppContext, req: Request<{ token: string }>, res: Response) {
  const named = statementOfPath(config.sessionSecret, req.params.token);
  const statement = named ? await readStatement(db, config, named.donorId, named.year) : undefined;
  if (!statement) throw new NotFound(say(res, 'statement.linkInvalid'));
  res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
  return statementView(config, statement, asLocale(req.query.lang) ?? localeFrom(statement.donor.locale));
}

const showStatement = (ctx: AppContext) => async (req: Request<{ token: string }>, res: Response) => {
  const view = await statementOfLink(ctx, req, res);
  res.locals.locale = view.locale;
  res.render('donors/statement', { title: view.title, statement: view, pdfHref: view.pdfUrl });
};

/** Sends the statement's PDF, from its link and from the account alike; 404 for a year with nothing to print. */
export async function sendStatementPdf(res: Response, view: StatementView): Promise<void> {
  // No receipted gift that year, or every one refunded since: the page says so, and there is nothing to print.
  if (view.givers.length === 0) throw new NotFound(say(res, 'statement.notFound', { year: view.label }));
  res.type('application/pdf').attachment(view.pdfName).send(await renderStatementPdf(view));
}

const downloadStatementPdf = (ctx: AppContext) => async (req: Request<{ token: string }>, res: Response) => {
  await sendStatementPdf(res, await statementOfLink(ctx, req, res));
};

export function statementRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/statements/:token', showStatement(ctx));
  router.get('/statements/:token/pdf', downloadStatementPdf(ctx));
  return router;
}
