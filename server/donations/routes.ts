import express, { Router, type Request, type Response } from 'express';
import type { Campaign } from '../campaigns/campaign.table';
import type { AppContext } from '../context';
import { campaignPageView } from '../campaigns/page';
import { findPublicCampaign } from '../campaigns/campaign.repository';
import { NotFound, ServiceUnavailable, TooManyRequests, ValidationError } from '../http/errors';
import { siteUrlFor } from '../http/site-url';
import { asLocale } from '../http/language';
import { translate } from '../i18n/messages';
import { withinRateLimit } from '../http/rate-limit';
import { defaultLocale, localize, type Locale } from '../locale';
import { formatMoney } from '../money';
import { signToken } from '../http/signed-links';
import { cardTestingRules, cardTestingVerdict, fingerprint, firstNoticeInWindow, smallAttemptCeiling, type CardTestingVerdict } from './card-testing';
import { networkOf } from '../http/network';
import { checkoutSessionParams, createCheckoutSession } from './checkout';
import { readSource } from '../campaigns/donate-form';
import { formValues, readDonationForm, type DonationRequest } from './form';
import { attachCheckoutSession, findDonationByCheckoutSession, startDonation } from './donation.repository';

// Generous on purpose: at a fundraising dinner a whole room gives at once through the venue's one address.
const donationAttempts = { perWindow: 300, windowSeconds: 600 };
// One person gives a few times at most; a script trying cards under one address gives many. Counted per
// address *and network*: someone typing a donor's address elsewhere spends their own allowance, not the donor's.
export const emailAttempts = { perWindow: 20, windowSeconds: 60 * 60 };

/** The message, and the field it stands beside, for a blocked attempt; `give` is the form as a whole. */
function refusalOf(verdict: CardTestingVerdict & { blocked: true }, request: DonationRequest, locale: Locale, organisation: string): Record<string, string> {
  if (verdict.rule === 'site') {
    const amount = formatMoney(smallAttemptCeiling(request.amount.currency), locale);
    return { amount: translate(locale, 'donate.error.smallPaused', { amount }) };
  }
  if (verdict.rule === 'email') return { email: translate(locale, 'donate.error.pausedEmail', { organisation }) };
  return { give: translate(locale, 'donate.error.pausedNetwork', { organisation }) };
}

export function donationRoutes(ctx: AppContext): Router {
  const { db, stripe, config, logger } = ctx;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 30 });

  /** A 429: the form again with the reason beside its field on a page, or the reason alone in JSON. Nothing is stored. */
  async function refuse(req: Request, res: Response, campaign: Campaign, locale: Locale, errors: Record<string, string>, retryAfterSeconds: number): Promise<void> {
    res.set('Retry-After', String(retryAfterSeconds));
    if (req.accepts(['html', 'json']) === 'json') throw new TooManyRequests(Object.values(errors).join(' '));
    res.status(429).render('campaigns/show', await campaignPageView(ctx, campaign, locale, { values: formValues(req.body), errors }));
  }

  router.post('/campaigns/:slug/donate', form, async (req, res) => {
    // The language of the page the donor gave from (the form carries it): the answer, their receipts and emails follow it.
    const locale = asLocale(req.body?.locale) ?? res.locals.locale ?? defaultLocale;
    res.locals.locale = locale;
    const campaign = await findPublicCampaign(db, req.params.slug);
    if (!campaign) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
    // Each attempt opens a Checkout Session; a script hammering the form would fill Stripe with them.
    const network = networkOf(req.ip);
    if (!(await withinRateLimit(ctx.redis, `${config.redisPrefix}:donate:${network}`, donationAttempts.perWindow, donationAttempts.windowSeconds))) {
      throw new TooManyRequests(translate(locale, 'donate.error.tooMany'));
    }
    const result =
      campaign.status === 'live'
        ? readDonationForm(req.body, campaign, config.donations, locale)
        : { ok: false as const, errors: { amount: translate(locale, 'donate.error.closed') }, values: formValues(req.body) };
    if (!result.ok) {
      if (req.accepts(['html', 'json']) === 'json') throw new ValidationError(result.errors);
      res.status(422).render('campaigns/show', await campaignPageView(ctx, campaign, locale, { values: result.values, errors: result.errors }));
      return;
    }

    // The card-testing brake and the per-address limit come after the form is read: a form with a mistake starts nothing.
    const ipHash = fingerprint(config.sessionSecret, 'ip', network);
    const emailHash = fingerprint(config.sessionSecret, 'email', result.request.email);
    const verdict = await cardTestingVerdict(db, { ipHash, email: result.request.email, amount: result.request.amount });
    if (verdict.blocked) {
      const noticeKey = `${config.redisPrefix}:card-testing:noticed:${verdict.rule}:${verdict.rule === 'site' ? 'all' : verdict.rule === 'ip' ? ipHash : emailHash}`;
      if (await firstNoticeInWindow(ctx.redis, noticeKey, cardTestingRules.windowSeconds)) {
        logger.warn({ rule: verdict.rule, declines: verdict.declines, campaign: campaign.slug, ipHash, emailHash }, 'card testing: small declines in a row; new gifts refused for up to an hour');
      }
      await refuse(req, res, campaign, locale, refusalOf(verdict, result.request, locale, config.organisation.name), cardTestingRules.windowSeconds);
      return;
    }
    if (!(await withinRateLimit(ctx.redis, `${config.redisPrefix}:donate:email:${emailHash}:${ipHash}`, emailAttempts.perWindow, emailAttempts.windowSeconds))) {
      await refuse(req, res, campaign, locale, { email: translate(locale, 'donate.error.emailTooMany') }, emailAttempts.windowSeconds);
      return;
    }

    const donation = await startDonation(db, campaign, result.request, locale, readSource(req.body?.utm_source));
    // Before Checkout exists, so that every decline on its page finds where the gift was started from.
    await db.updateTable('donations').set({ client_ip_hash: ipHash }).where('id', '=', donation.id).execute();
    const params = checkoutSessionParams(donation, campaign, result.request.email, {
      baseUrl: siteUrlFor(ctx.config, req),
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
