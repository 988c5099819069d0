// The stop link in every impact email: a page that asks, and the POST that withdraws the donor's consent
// to news, whether its button sent it or the donor's mail program (RFC 8058 one-click).
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { localeFrom, say } from '../http/language';
import { NotFound } from '../http/errors';
import { verifyToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { findImpactRecipient } from './impact.repository';
import { unsubscribePageView } from './impact.view';
import { wantsNews, withdrawNewsByEmail } from './consent';

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
  renderUnsubscribePage(res, donor, req.params.token, !(await wantsNews(ctx.db, donor.id)));
};

// Both the page's button and a mail program's RFC 8058 one-click POST land here. The signed token is
// the authentication, so this route takes no CSRF token and no sign-in: a mail program has neither.
const unsubscribe = (ctx: AppContext) => async (req: UnsubscribeRequest, res: Response) => {
  const donor = await donorOf(ctx, req.params.token, res);
  const locale = localeFrom(donor.locale);
  // The page's button says it came from the page, where the donor answered the question it asked. Anything
  // else is a mail program's one-click request ("List-Unsubscribe=One-Click", urlencoded or multipart),
  // which showed the donor its own words, not ours.
  const oneClick = req.body?.from !== 'page';
  await withdrawNewsByEmail(ctx.db, donor.id, {
    source: oneClick ? 'one_click' : 'email_link',
    wording: oneClick ? null : translate(locale, 'impact.unsubscribe.question', { email: donor.email }),
    locale,
    at: ctx.clock.now(),
  });
  renderUnsubscribePage(res, donor, req.params.token, true);
};

export function impactRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/unsubscribe/:token', askToUnsubscribe(ctx));
  // The one-click body is 26 bytes; the page's button sends 9.
  router.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 }), unsubscribe(ctx));
  return router;
}
