import express, { Router, type Request } from 'express';
import type { AppContext } from '../context';
import { campaignPageView } from '../campaigns/page';
import { findPublicCampaign } from '../campaigns/queries';
import { NotFound, ServiceUnavailable, TooManyRequests, ValidationError } from '../http/errors';
import { asLocale } from '../http/language';
import { translate } from '../i18n/messages';
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
    // The language of the page the donor gave from (the form carries it): the answer, their receipts and emails follow it.
    const locale = asLocale(req.body?.locale) ?? res.locals.locale ?? defaultLocale;
    res.locals.locale = locale;
    const campaign = await findPublicCampaign(db, req.params.slug);
    if (!campaign) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
    // Each attempt opens a Checkout Session; a script hammering the form would fill Stripe with them.
    if (!(await withinRateLimit(ctx.redis, `${config.redisPrefix}:donate:${req.ip ?? 'unknown'}`, donationAttempts.perWindow, donationAttempts.windowSeconds))) {
      throw new TooManyRequests(translate(locale, 'donate.error.tooMany'));
    }
    const result =
      campaign.status === 'live'
        ? readDonationForm(req.body, campaign, config.donations, locale)
        : { ok: false as const, errors: { amount: translate(locale, 'donate.error.closed') }, values: formValues(req.body) };
    if (!result.ok) {
      if (req.accepts(['html', 'json']) === 'json') throw new ValidationError(result.errors);
      res.status(422).render('campaigns/show', await campaignPageView(db, campaign, locale, { values: result.values, errors: result.errors }));
      return;
    }

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
      throw new ServiceUnavailable(translate(locale, 'donate.error.stripeDown'));
    }
    await attachCheckoutSession(db, donation.id, session.id);
    res.redirect(303, session.url!);
  });

  router.get('/donations/thanks', async (req, res) => {
    const sessionId = typeof req.query.session_id === 'string' ? req.query.session_id : '';
    const donation = /^cs_\w{1,200}$/.test(sessionId) ? await findDonationByCheckoutSession(db, sessionId) : undefined;
    const locale = res.locals.locale ?? defaultLocale;
    if (!donation) throw new NotFound(translate(locale, 'errors.giftNotFound'));
    const confirmed = ['succeeded', 'partially_refunded', 'refunded', 'disputed'].includes(donation.status);
    const unsuccessful = donation.status === 'failed' || donation.status === 'expired';
    res.set('Cache-Control', 'no-store');
    res.render('donations/thanks', {
      title: translate(locale, confirmed ? 'thanks.title' : 'thanks.titlePending'),
      // The page only reads what the webhook recorded; while it has not arrived, look again shortly.
      refreshSeconds: confirmed || unsuccessful ? undefined : 3,
      confirmed,
      unsuccessful,
      pending: !confirmed && !unsuccessful,
      gift: translate(locale, donation.frequency === 'month' ? 'thanks.giftMonth' : donation.frequency === 'year' ? 'thanks.giftYear' : 'thanks.giftOnce', { amount: formatMoney(donation, locale) }),
      campaign: { slug: donation.campaign_slug, title: localize(donation.campaign_title, locale) },
      name: donation.donor_name,
      retryHref: `/campaigns/${donation.campaign_slug}?retry=${signToken(config.sessionSecret, 'retry', donation.id)}#give`,
    });
  });

  return router;
}
