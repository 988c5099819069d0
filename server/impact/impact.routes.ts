// The unsubscribe link in every impact email: a page that asks, and the POST that records the opt-out.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { localeFrom, say } from '../http/language';
import { NotFound } from '../http/errors';
import { verifyToken } from '../http/signed-links';
import { findImpactRecipient, optOutOfImpact } from './impact.repository';
import { unsubscribePageView } from './impact.view';

type UnsubscribeRequest = Request<{ token: string }>;

async function donorOf({ db, config }: AppContext, token: string, res: Response) {
  const id = verifyToken(config.sessionSecret, 'unsubscribe', token);
  const donorId = id && /^\d{1,10}$/.test(id) ? Number(id) : undefined;
  const donor = donorId ? await findImpactRecipient(db, donorId) : undefined;
  if (!donor) throw new NotFound(say(res, 'impact.unsubscribe.invalidLink'));
  return donor;
}

function renderUnsubscribePage(res: Response, donor: { email: string; locale: string }, token: string, done: boolean) {
  res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
  res.render('impact/unsubscribe', unsubscribePageView(localeFrom(donor.locale), donor.email, token, done));
}

// A GET never unsubscribes: mail scanners and link previews fetch every link they see.
const askToUnsubscribe = (ctx: AppContext) => async (req: UnsubscribeRequest, res: Response) => {
  const donor = await donorOf(ctx, req.params.token, res);
  renderUnsubscribePage(res, donor, req.params.token, donor.impact_opt_out_at !== null);
};

// Both the page's button and a mail client's RFC 8058 one-click POST land here. The signed token is
// the authentication, so this route takes no CSRF token: a mail client has none to send.
const unsubscribe = (ctx: AppContext) => async (req: UnsubscribeRequest, res: Response) => {
  const donor = await donorOf(ctx, req.params.token, res);
  await optOutOfImpact(ctx.db, donor.id);
  renderUnsubscribePage(res, donor, req.params.token, true);
};

export function impactRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/unsubscribe/:token', askToUnsubscribe(ctx));
  router.post('/unsubscribe/:token', unsubscribe(ctx));
  return router;
}
