// The printable receipt behind each receipt email's link, and the same receipt as a PDF.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { verifyToken } from '../http/signed-links';
import { findReceipt } from './receipt.repository';
import { receiptPdfName, renderReceiptPdf } from './receipt-pdf';
import { hasRefundNotice, receiptView } from './receipt.view';
import { refundNoticePdfName, refundNoticeView, renderRefundNoticePdf } from './refund-notice';
import { asLocale, say } from '../http/language';

/** The receipt a link's token names, shown in the donor's language unless the reader switched; 404 for any other token. */
async function receiptOfLink({ db, config }: AppContext, req: Request<{ token: string }>, res: Response) {
  const id = verifyToken(config.sessionSecret, 'receipt', req.params.token);
  const receipt = id ? await findReceipt(db, id) : undefined;
  if (!receipt) throw new NotFound(say(res, 'errors.receiptLinkInvalid'));
  // A receipt is read by donors, employers and tax offices: anyone with the link may read it in their language.
  res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
  return { receipt, view: receiptView(config, receipt, asLocale(req.query.lang)) };
}

const showReceipt = (ctx: AppContext) => async (req: Request<{ token: string }>, res: Response) => {
  const { view } = await receiptOfLink(ctx, req, res);
  res.locals.locale = view.locale;
  res.render('receipts/show', { title: view.subject, receipt: view });
};

const downloadReceiptPdf = (ctx: AppContext) => async (req: Request<{ token: string }>, res: Response) => {
  const { receipt, view } = await receiptOfLink(ctx, req, res);
  res.type('application/pdf').attachment(receiptPdfName(receipt.number)).send(await renderReceiptPdf(view, receipt.issued_at));
};

/** The refund notice of a receipt a refund voided; 404 for a receipt that stands or was voided otherwise. */
const downloadRefundNoticePdf = (ctx: AppContext) => async (req: Request<{ token: string }>, res: Response) => {
  const { receipt, view } = await receiptOfLink(ctx, req, res);
  if (!receipt.voided_at || !hasRefundNotice(receipt)) throw new NotFound(say(res, 'errors.receiptLinkInvalid'));
  const notice = refundNoticeView(ctx.config, { ...receipt, voided_at: receipt.voided_at }, view.locale);
  res.type('application/pdf').attachment(refundNoticePdfName(receipt.number)).send(await renderRefundNoticePdf(notice, receipt.voided_at));
};

export function receiptRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/receipts/:token', showReceipt(ctx));
  router.get('/receipts/:token/pdf', downloadReceiptPdf(ctx));
  router.get('/receipts/:token/refund-notice', downloadRefundNoticePdf(ctx));
  return router;
}
