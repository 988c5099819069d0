// Finance's side of a mainland partner's receipt: the form on the gift's page, and the scans behind it.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../context';
import { NotFound } from '../../http/errors';
import { localeOf, say } from '../../http/language';
import { isUuid, serialId } from '../../http/params';
import { requireArea } from '../../staff/access';
import { loadGift, renderGift } from '../finance.routes';
import { findPartnerReceiptFile } from './partner-receipt.repository';
import { attachPartnerReceipt, partnerReceiptFormFrom } from './partner-receipts';
import { sendUploadedFile } from '../../http/uploaded-file';

type ReceiptRequest = Request<{ id: string; receiptId?: string }>;

const recordFromForm = (ctx: AppContext) => async (req: ReceiptRequest, res: Response) => {
  const gift = await loadGift(ctx, res, req.params.id);
  const form = partnerReceiptFormFrom(req.body);
  const input = { donationId: gift.donation.id, form, file: req.uploads?.file, locale: localeOf(res), timeZone: ctx.config.organisation.timeZone };
  const outcome = await attachPartnerReceipt(ctx.db, input, res.locals.staff!.id, ctx.clock.now());
  if (!outcome.ok) return renderGift(ctx, res, await loadGift(ctx, res, gift.donation.id), { partnerReceipt: { form, errors: outcome.errors } }, outcome.status);
  res.redirect(303, `/staff/finance/gifts/${gift.donation.id}?partnerReceipt=${outcome.replaced ? 'replaced' : 'recorded'}#partner-receipt`);
};

const downloadFile = (ctx: AppContext) => async (req: ReceiptRequest, res: Response) => {
  const id = serialId(req.params.receiptId);
  const file = isUuid(req.params.id) && id !== undefined ? await findPartnerReceiptFile(ctx.db, req.params.id, id) : undefined;
  if (!file) throw new NotFound(say(res, 'partnerReceipt.error.noFile'));
  sendUploadedFile(res, file);
};

export function partnerReceiptStaffRoutes(ctx: AppContext): Router {
  const router = Router();
  const finance = requireArea('finance');
  router.post('/staff/finance/gifts/:id/partner-receipts', finance, recordFromForm(ctx));
  router.get('/staff/finance/gifts/:id/partner-receipts/:receiptId/file', finance, downloadFile(ctx));
  return router;
}
