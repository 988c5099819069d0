// Starting a gift from the donate form: the form read, the limits and the card-testing brake asked, then a
// pending donation and the Checkout Session its donor is sent to.
import type { AppContext } from '../context';
import type { Campaign } from '../tables/campaigns.table';
import type { DonationFormValues } from '../campaigns/donate-form';
import { takesGifts } from '../campaigns/closing';
import { ServiceUnavailable, TooManyRequests } from '../http/errors';
import { withinRateLimit } from '../http/rate-limit';
import { signToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney } from '../money';
import { cardTestingRules, cardTestingVerdict, fingerprint, firstNoticeInWindow, smallAttemptCeiling, type CardTestingVerdict } from './card-testing';
import { checkoutSessionParams, createCheckoutSession } from './checkout';
import { attachCheckoutSession, startDonation } from './donation.repository';
import { formValues, readDonationForm, type DonationRequest } from './form';
import { donationAttempts, emailAttempts } from './limits';

type GivingContext = Pick<AppContext, 'db' | 'redis' | 'stripe' | 'config' | 'logger' | 'clock'>;

/** The donate form as posted, and where from. */
export interface GiftAttempt {
  campaign: Campaign;
  body: unknown;
  /** The utm_source of the link the donor came by, already checked by readSource. */
  source: string | null;
  /** The donor's network (networkOf): what the limits and the brake count by. */
  network: string;
  locale: Locale;
  /** The site's address as the donor reached it, for Checkout to send them back to. */
  baseUrl: string;
}

export type GiftOutcome =
  | { kind: 'checkout'; url: string }
  /** A field needs attention, or the campaign has closed. Nothing is stored. */
  | { kind: 'invalid'; errors: Record<string, string>; values: DonationFormValues }
  /** Held back by a limit or the card-testing brake; the donor may try again after `retryAfterSeconds`. Nothing is stored. */
  | { kind: 'refused'; errors: Record<string, string>; values: DonationFormValues; retryAfterSeconds: number };

type Refusal = { errors: Record<string, string>; retryAfterSeconds: number };

interface Fingerprints {
  ip: string;
  email: string;
}

/** Where the donor pays, or why the gift cannot start; throws when too many gifts come from one network or Stripe does not answer. */
export async function beginGift(ctx: GivingContext, attempt: GiftAttempt): Promise<GiftOutcome> {
  const { campaign, body, locale, network } = attempt;
  const { config } = ctx;
  // Each attempt opens a Checkout Session; a script hammering the form would fill Stripe with them.
  if (!(await withinRateLimit(ctx.redis, `${config.redisPrefix}:donate:${network}`, donationAttempts.perWindow, donationAttempts.windowSeconds))) {
    throw new TooManyRequests(translate(locale, 'donate.error.tooMany'));
  }
  const now = ctx.clock.now();
  const result = takesGifts(campaign, now)
    ? readDonationForm(body, campaign, config.donations, locale)
    : { ok: false as const, errors: { amount: translate(locale, campaign.starts_at.getTime() > now.getTime() ? 'donate.error.notOpenYet' : 'donate.error.closed') }, values: formValues(body) };
  if (!result.ok) return { kind: 'invalid', errors: result.errors, values: result.values };

  // The card-testing brake and the per-address limit come after the form is read: a form with a mistake starts nothing.
  const hashes = { ip: fingerprint(config.sessionSecret, 'ip', network), email: fingerprint(config.sessionSecret, 'email', result.request.email) };
  const refusal = await refusalOf(ctx, attempt, result.request, hashes);
  if (refusal) return { kind: 'refused', values: formValues(body), ...refusal };
  return { kind: 'checkout', url: await openCheckout(ctx, attempt, result.request, hashes.ip) };
}

/** Why the brake or the per-address limit holds this gift back, if either does. */
async function refusalOf(ctx: GivingContext, { campaign, locale }: GiftAttempt, request: DonationRequest, hashes: Fingerprints): Promise<Refusal | undefined> {
  const { config } = ctx;
  const verdict = await cardTestingVerdict(ctx.db, { ipHash: hashes.ip, email: request.email, amount: request.amount });
  if (verdict.blocked) {
    const noticeKey = `${config.redisPrefix}:card-testing:noticed:${verdict.rule}:${verdict.rule === 'site' ? 'all' : verdict.rule === 'ip' ? hashes.ip : hashes.email}`;
    if (await firstNoticeInWindow(ctx.redis, noticeKey, cardTestingRules.windowSeconds)) {
      ctx.logger.warn(
        { rule: verdict.rule, declines: verdict.declines, campaign: campaign.slug, ipHash: hashes.ip, emailHash: hashes.email },
        'card testing: small declines in a row; new gifts refused for up to an hour',
      );
    }
    return { errors: brakeMessages(verdict, request, locale, localize(config.organisation.name, locale)), retryAfterSeconds: cardTestingRules.windowSeconds };
  }
  if (!(await withinRateLimit(ctx.redis, `${config.redisPrefix}:donate:email:${hashes.email}:${hashes.ip}`, emailAttempts.perWindow, emailAttempts.windowSeconds))) {
    return { errors: { email: translate(locale, 'donate.error.emailTooMany') }, retryAfterSeconds: emailAttempts.windowSeconds };
  }
  return undefined;
}

/** The message, and the field it stands beside, for an attempt the brake holds back; `give` is the form as a whole. */
function brakeMessages(verdict: CardTestingVerdict & { blocked: true }, request: DonationRequest, locale: Locale, organisation: string): Record<string, string> {
  if (verdict.rule === 'site') {
    const amount = formatMoney(smallAttemptCeiling(request.amount.currency), locale);
    return { amount: translate(locale, 'donate.error.smallPaused', { amount }) };
  }
  if (verdict.rule === 'email') return { email: translate(locale, 'donate.error.pausedEmail', { organisation }) };
  return { give: translate(locale, 'donate.error.pausedNetwork', { organisation }) };
}

/** A pending donation and its Checkout Session; returns the session's address, where the donor pays. */
async function openCheckout(ctx: GivingContext, { campaign, source, locale, baseUrl }: GiftAttempt, request: DonationRequest, ipHash: string): Promise<string> {
  const { db, config } = ctx;
  // The sentence the form showed beside the box, in the page's language, and the moment the donor sent it.
  const newsConsent = request.news ? { wording: translate(locale, 'donate.news'), chosenAt: ctx.clock.now() } : null;
  const donation = await startDonation(db, campaign, request, { locale, source, clientIpHash: ipHash, newsConsent });
  const params = checkoutSessionParams(donation, campaign, request.email, {
    baseUrl,
    wallets: config.stripe.wallets,
    retryToken: signToken(config.sessionSecret, 'retry', donation.id),
  });
  let session;
  try {
    session = await createCheckoutSession(ctx.stripe, params);
  } catch (error) {
    ctx.logger.error({ err: error, donationId: donation.id }, 'checkout: Stripe refused or did not answer');
    throw new ServiceUnavailable(translate(locale, 'donate.error.stripeDown'));
  }
  await attachCheckoutSession(db, donation.id, session.id);
  return session.url!;
}
