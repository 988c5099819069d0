// The donate form's POST, which sends the donor to Stripe Checkout (or, while Stripe is busy, to the page
// where they wait their turn for it), and the thank-you page they come back to.
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { campaignPageView } from '../campaigns/page.view';
import { findPublicCampaign } from '../campaigns/campaign.repository';
import { readSource } from '../campaigns/donate-form';
import { NotFound, TooManyRequests, ValidationError } from '../http/errors';
import { asLocale, localeFrom, localeOf } from '../http/language';
import { networkOf } from '../http/network';
import { signToken, verifyToken } from '../http/signed-links';
import { siteUrlFor } from '../http/site-url';
import { translate } from '../i18n/messages';
import { beginGift, resumeCheckout } from './begin-gift';
import { waitingView } from './waiting.view';
import { findDonationByCheckoutSession } from './donation.repository';
import { thanksView } from './thanks.view';
import { shareLinks } from '../campaigns/share';
import { localize } from '../locale';

const giveToCampaign = (ctx: AppContext) => async (req: Request<{ slug: string }>, res: Response): Promise<void> => {
  // The language of the page the donor gave from (the form carries it): the answer, their receipts and emails follow it.
  const locale = asLocale(req.body?.locale) ?? localeOf(res);
  res.locals.locale = locale;
  const campaign = await findPublicCampaign(ctx.db, req.params.slug);
  if (!campaign) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
  const outcome = await beginGift(ctx, {
    campaign,
    body: req.body,
    source: readSource(req.body?.utm_source),
    network: networkOf(req.ip),
    locale,
    baseUrl: siteUrlFor(ctx.config, req),
  });
  if (outcome.kind === 'checkout' || outcome.kind === 'waiting') {
    res.redirect(303, outcome.url);
    return;
  }
  // The form again with each reason beside its field on a page, or the reasons alone in JSON.
  const json = req.accepts(['html', 'json']) === 'json';
  if (outcome.kind === 'refused') {
    res.set('Retry-After', String(outcome.retryAfterSeconds));
    if (json) throw new TooManyRequests(Object.values(outcome.errors).join(' '));
  } else if (json) {
    throw new ValidationError(outcome.errors);
  }
  const page = await campaignPageView(ctx, campaign, locale, { values: outcome.values, errors: outcome.errors });
  res.status(outcome.kind === 'refused' ? 429 : 422).render('campaigns/show', page);
};

const showThanks = ({ db, config }: AppContext) => async (req: Request, res: Response): Promise<void> => {
  const sessionId = typeof req.query.session_id === 'string' ? req.query.session_id : '';
  const donation = /^cs_\w{1,200}$/.test(sessionId) ? await findDonationByCheckoutSession(db, sessionId) : undefined;
  const locale = localeOf(res);
  if (!donation) throw new NotFound(translate(locale, 'errors.giftNotFound'));
  res.set('Cache-Control', 'no-store');
  const share = await shareLinks(siteUrlFor(config, req), donation.campaign_slug, localize(donation.campaign_title, locale), locale);
  res.render('donations/thanks', thanksView(donation, locale, signToken(config.sessionSecret, 'retry', donation.id), share));
};

const showWaiting = (ctx: AppContext) => async (req: Request<{ token: string }>, res: Response): Promise<void> => {
  const donationId = verifyToken(ctx.config.sessionSecret, 'checkout-wait', req.params.token);
  const outcome = donationId === undefined ? undefined : await resumeCheckout(ctx, donationId, siteUrlFor(ctx.config, req));
  if (!outcome) throw new NotFound(translate(localeOf(res), 'errors.giftNotFound'));
  res.set('Cache-Control', 'no-store');
  if (outcome.kind !== 'waiting') {
    res.redirect(303, outcome.url);
    return;
  }
  // The language the donor gave in, unless they choose another here (the language switch).
  const locale = asLocale(req.query.lang) ?? localeFrom(outcome.gift.donation.locale);
  res.locals.locale = locale;
  res.render('donations/waiting', waitingView(outcome.gift, locale, { organisation: localize(ctx.config.organisation.name, locale), refreshSeconds: outcome.refreshSeconds, href: req.originalUrl }));
};

export function donationRoutes(ctx: AppContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 30 });
  router.post('/campaigns/:slug/donate', form, giveToCampaign(ctx));
  router.get('/donations/thanks', showThanks(ctx));
  router.get('/donations/waiting/:token', showWaiting(ctx));
  return router;
}
