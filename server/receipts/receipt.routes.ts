// The printable receipt behind each receipt email's link, and the same receipt as a PDF.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { verifyToken } from '../http/signed-links';
import { findReceipt } from './receipt.repository';
import { receiptPdfName, renderReceiptPdf } from './receipt-pdf';
import { receiptView } from './receipt.view';
import { asLocale, say } from '../http/language';

const showReceipt =
  ({ db, config }: AppContext) =>
  async (req: Request<{ token: string }>, res: Response) => {
    const id = verifyToken(config.sessionSecret, 'receipt', req.params.token);
    const receipt = id ? await findReceipt(db, id) : undefined;
    if (!receipt) throw new NotFound(say(res, 'errors.receiptLinkInvalid'));
    // In the donor's language unless the reader switched: a receipt is read by donors, employers and tax offices.
    const view = receiptView(config, receipt, asLocale(req.query.lang));
    res.locals.locale = view.locale;
    res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
    res.render('receipts/show', { title: view.subject, receipt: view });
  };

const downloadReceiptPdf =
  ({ db, config }: AppContext) =>
  async (req: Request<{ token: string }>, res: Response) => {
    const id = verifyToken(config.sessionSecret, 'receipt', req.params.token);
    const receipt = id ? await findReceipt(db, id) : undefined;
    if (!receipt) throw new NotFound(say(res, 'errors.receiptLinkInvalid'));
    const view = receiptView(config, receipt, asLocale(req.query.lang));
    const pdf = await renderReceiptPdf(view, receipt.issued_at);
    res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
    res.type('application/pdf').attachment(receiptPdfName(receipt.number)).send(pdf);
  };

export function receiptRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/receipts/:token', showReceipt(ctx));
  router.get('/receipts/:token/pdf', downloadReceiptPdf(ctx));
  return router;
}
