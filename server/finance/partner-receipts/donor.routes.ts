// The donor's side of a mainland partner's receipt: the scan of their own gift's current one. Anybody else,
// another signed-in donor included, is told there is no such file, as for a gift that does not exist.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../context';
import { NotFound } from '../../http/errors';
import { say } from '../../http/language';
import { isUuid } from '../../http/params';
import { findDonorsPartnerReceiptFile } from './partner-receipt.repository';
import { sendUploadedFile } from '../../http/uploaded-file';

const downloadOwnFile = (ctx: AppContext) => async (req: Request<{ id: string }>, res: Response) => {
  const donor = res.locals.donor;
  const file = donor && isUuid(req.params.id) ? await findDonorsPartnerReceiptFile(ctx.db, donor.id, req.params.id) : undefined;
  if (!file) throw new NotFound(say(res, 'partnerReceipt.error.noFile'));
  sendUploadedFile(res, file);
};

/** Mounted after the account's shell (server/donors/account.routes.ts), which reads the donor's session. */
export function partnerReceiptAccountRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/account/gifts/:id/partner-receipt', downloadOwnFile(ctx));
  return router;
}
