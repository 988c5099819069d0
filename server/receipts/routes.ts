// The printable receipt behind each receipt email's link.
import { Router } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { translate } from '../i18n/messages';
import { defaultLocale } from '../locale';
import { loadReceipt, receiptView } from './receipt.view';
import { verifyToken } from '../http/signed-links';

export function receiptRoutes({ db, config }: AppContext): Router {
  const router = Router();
  router.get('/receipts/:token', async (req, res) => {
    const id = verifyToken(config.sessionSecret, 'receipt', req.params.token);
    const receipt = id ? await loadReceipt(db, id) : undefined;
    if (!receipt) throw new NotFound(translate(res.locals.locale ?? defaultLocale, 'errors.receiptLinkInvalid'));
    const view = receiptView(config, receipt);
    res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
    res.render('receipts/show', { title: view.subject, locale: view.locale, receipt: view });
  });
  return router;
}
