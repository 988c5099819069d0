import express, { Router, type Request } from 'express';
import type { AppContext } from '../context';
import { campaignPageView } from '../campaigns/page';
import { findPublicCampaign } from '../campaigns/queries';
import { NotFound, ServiceUnavailable, TooManyRequests, ValidationError } from '../http/errors';
import { asLocale } from '../http/language';
import { withinRateLimit } from '../http/rate-limit';
import { defaultLocale, localize } from '../locale';
import { formatMoney } from '../money';
import { signToken } from '../receipts/tokens';
import { checkoutSessionParams, createCheckoutSession } from './checkout';
import { formValues, readDonationForm, readSource } from './form';
import { attachCheckoutSession, findDonationByCheckoutSession, startDonation } from './queries';

function siteUrl(ctx: AppContext, req: Request): string {
  return ctx.config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
}

// Generous on purpose: at a fundraising dinner a whole room gives at once through the venue's one address.
const donationAttempts = { perWindow: 300, windowSeconds: 600 };

export function donationRoutes(ctx: AppContext): Router {
  const { db, stripe, config, logger } = ctx;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 30 });

  router.post('/campaigns/:slug/donate', form, async (req, res) => {
    const campaign = await findPublicCampaign(db, req.params.slug);
    if (!campaign) throw new NotFound('There is no campaign at this address.');
    // Each attempt opens a Checkout Session; a script hammering the form would fill Stripe with them.
    if (!(await withinRateLimit(ctx.redis, `${config.redisPrefix}:donate:${req.ip ?? 'unknown'}`, donationAttempts.perWindow, donationAttempts.windowSeconds))) {
      throw new TooManyRequests('Too many gifts started from this network in a short time. Please wait a few minutes and try again.');
    }
    const result =
      campaign.status === 'live'
        ? readDonationForm(req.body, campaign, config.donations)
        : { ok: false as const, errors: { amount: 'This campaign has closed and no longer takes gifts. Thank you for thinking of it.' }, values: formValues(req.body) };
    if (!result.ok) {
      if (req.accepts(['html', 'json']) === 'json') throw new ValidationError(result.errors);
      res.status(422).render('campaigns/show', await campaignPageView(db, campaign, res.locals.locale ?? defaultLocale, { values: result.values, errors: result.errors }));
      return;
    }

    // The language of the page the donor gave from: their receipts and emails follow it.
    const locale = asLocale(req.body?.locale) ?? res.locals.locale ?? defaultLocale;
    const donation = await startDonation(db, campaign, result.request, locale, readSource(req.body?.utm_source));
    const params = checkoutSessionParams(donation, campaign, result.request.email, {
      baseUrl: siteUrl(ctx, req),
      wallets: config.stripe.wallets,
      retryToken: signToken(config.sessionSecret, 'retry', donation.id),
    });
    let session;
    try {
      session = await createCheckoutSession(stripe, params);
    } catch (error) {
      logger.error({ err: error, donationId: donation.id }, 'checkout: Stripe refused or did not answer');
      throw new ServiceUnavailable('We could not reach our payment provider just now. Nothing has been charged; please try again in a minute.');
    }
    await attachCheckoutSession(db, donation.id, session.id);
    res.redirect(303, session.url!);
  });

  router.get('/donations/thanks', async (req, res) => {
    const sessionId = typeof req.query.session_id === 'string' ? req.query.session_id : '';
    const donation = /^cs_\w{1,200}$/.test(sessionId) ? await findDonationByCheckoutSession(db, sessionId) : undefined;
    if (!donation) throw new NotFound('We could not find that gift. If you were charged, your receipt is on its way by email.');
    const confirmed = ['succeeded', 'partially_refunded', 'refunded', 'disputed'].includes(donation.status);
    const unsuccessful = donation.status === 'failed' || donation.status === 'expired';
    res.set('Cache-Control', 'no-store');
    res.render('donations/thanks', {
      title: confirmed ? 'Thank you' : 'Confirming your gift',
      // The page only reads what the webhook recorded; while it has not arrived, look again shortly.
      refreshSeconds: confirmed || unsuccessful ? undefined : 3,
      confirmed,
      unsuccessful,
      pending: !confirmed && !unsuccessful,
      amount: formatMoney(donation, res.locals.locale ?? defaultLocale),
      recurring: donation.frequency === 'month' ? 'every month' : donation.frequency === 'year' ? 'every year' : undefined,
      campaign: { slug: donation.campaign_slug, title: localize(donation.campaign_title, res.locals.locale ?? defaultLocale) },
      name: donation.donor_name,
      retryHref: `/campaigns/${donation.campaign_slug}?retry=${signToken(config.sessionSecret, 'retry', donation.id)}#give`,
    });
  });

  return router;
}
