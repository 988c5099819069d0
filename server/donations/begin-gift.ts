// Starting a gift from the donate form: the form read, the limits and the card-testing brake asked, then a
// pending donation and the Checkout Session its donor is sent to, or, while Stripe is busy, the page where
// they wait their turn for it (and which opens it when their turn comes).
import Stripe from 'stripe';
import type { AppContext } from '../context';
import type { Campaign } from '../tables/campaigns.table';
import type { DonationFormValues } from '../campaigns/donate-form';
import { takesGifts } from '../campaigns/closing';
import { ServiceUnavailable, TooManyRequests } from '../http/errors';
import { withinRateLimit } from '../http/rate-limit';
import { signToken } from '../http/signed-links';
import { inDonorLine, type DonorLine } from '../stripe/budget';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { localeFrom } from '../http/language';
import { formatMoney } from '../money';
import { cardTestingRules, cardTestingVerdict, fingerprint, firstNoticeInWindow, smallAttemptCeiling, type CardTestingVerdict } from './card-testing';
import { checkoutSessionParams, createCheckoutSession } from './checkout';
import { startDonation } from './donation.repository';
import { attachOpenedCheckout, findWaitingGift, type WaitingGift } from './checkout-wait.repository';
import { formValues, readDonationForm, type DonationRequest } from './form';
import { donationAttempts, emailAttempts } from './limits';

type GivingContext = Pick<AppContext, 'db' | 'redis' | 'stripe' | 'stripeBudget' | 'config' | 'logger' | 'clock' | 'metrics'>;

/** The operation donors wait in line for. */
const checkoutOperation = 'POST /v1/checkout/sessions';
/**
 * How long a donor's form may wait for a Checkout slot before they are sent to the waiting page, when the few
 * donors ahead of them will have had theirs by then: a second of jitter in arrivals should not send anyone away.
 */
const arrivalHoldMs = 1_000;
/**
 * How long a waiting page's visit is held when the donor's turn is that close: their slot is used the moment it
 * frees, rather than when their page next happens to ask (which would leave slots unused, the line being strict).
 */
const visitHoldMs = 5_000;
/** The waiting page asks again after about half the donor's expected wait, within these bounds (seconds). */
const soonestRefreshSeconds = 2;
const latestRefreshSeconds = 30;
/** A waiting donor who has not come back this long after their page was due to ask has left the line. */
const lateVisitGraceMs = 15_000;

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

/** Where the donor goes once their pending donation exists: Checkout, or the page where they wait for it. */
type CheckoutOutcome = { kind: 'checkout'; url: string } | { kind: 'waiting'; url: string };

export type GiftOutcome =
  | CheckoutOutcome
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
  return openCheckout(ctx, attempt, result.request, hashes.ip);
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

/** A pending donation, and its Checkout Session or the donor's place in the line for one. */
async function openCheckout(ctx: GivingContext, { campaign, source, locale, baseUrl }: GiftAttempt, request: DonationRequest, ipHash: string): Promise<CheckoutOutcome> {
  const { db, config } = ctx;
  // The sentence the form showed beside the box, in the page's language, and the moment the donor sent it.
  const newsConsent = request.news ? { wording: translate(locale, 'donate.news'), chosenAt: ctx.clock.now() } : null;
  const donation = await startDonation(db, campaign, request, { locale, source, clientIpHash: ipHash, newsConsent });
  const params = checkoutSessionParams(donation, campaign, request.email, {
    baseUrl,
    wallets: config.stripe.wallets,
    retryToken: signToken(config.sessionSecret, 'retry', donation.id),
  });
  const outcome = await sessionOrWait(ctx, donation.id, params, locale, 'arriving');
  // Their waiting page shows the gift at every visit until their turn: kept here, it costs the database nothing.
  if (outcome.kind === 'waiting') rememberWaitingGift({ donation, campaign, donorEmail: request.email });
  return outcome;
}

/**
 * The gifts whose donors are on the waiting page, as the page shows them, in this process: what a gift is for
 * does not change while it waits. Bounded; a gift forgotten (or started in another process) is read again.
 */
const waitingGifts = new Map<string, WaitingGift>();
const waitingGiftsKept = 20_000;

function rememberWaitingGift(gift: WaitingGift): void {
  waitingGifts.delete(gift.donation.id);
  waitingGifts.set(gift.donation.id, gift);
  // A Map iterates in insertion order: the first key is the gift remembered longest ago.
  if (waitingGifts.size > waitingGiftsKept) waitingGifts.delete(waitingGifts.keys().next().value!);
}

async function waitingGiftOf(ctx: GivingContext, donationId: string): Promise<WaitingGift | undefined> {
  const kept = waitingGifts.get(donationId);
  if (kept) return kept;
  const gift = await findWaitingGift(ctx.db, donationId);
  if (gift && gift.donation.status === 'pending' && !gift.donation.stripe_checkout_session_id) rememberWaitingGift(gift);
  return gift;
}

/** Seconds until a waiting donor's page should ask again: about half their expected wait, so they are back before their turn. */
function refreshSecondsFor(expectedWaitMs: number): number {
  return Math.min(latestRefreshSeconds, Math.max(soonestRefreshSeconds, Math.ceil(expectedWaitMs / 2_000)));
}

/**
 * Where a donor on the waiting page stands, asking Redis alone: `undefined` when their turn has come (or they are
 * not in the line, having left it or not needing it: the full visit decides), else when their page should ask
 * again. A visit whose turn is a few seconds off is held until it comes.
 */
async function turnOf(ctx: GivingContext, donationId: string): Promise<{ refreshSeconds: number } | undefined> {
  const budget = ctx.stripeBudget;
  const perSecond = budget.perSecond(checkoutOperation);
  const holdUntil = performance.now() + visitHoldMs;
  for (;;) {
    const left = holdUntil - performance.now();
    const place = await budget.placeInLine(checkoutOperation, donationId, Math.max(0, left) + lateVisitGraceMs);
    if (!place || place.free > place.place) return undefined;
    const expectedMs = Math.max(place.retryInMs, ((place.place + 1 - place.free) / perSecond) * 1_000);
    if (expectedMs > left) {
      const refreshSeconds = refreshSecondsFor(expectedMs);
      // Their place is kept until a while after the page is due back, no longer: a donor who closed it frees the line.
      await budget.placeInLine(checkoutOperation, donationId, refreshSeconds * 1_000 + lateVisitGraceMs);
      return { refreshSeconds };
    }
    // Asked often when next, seldom when further back, so the donors held together cost Redis little.
    await sleep(Math.min(500, Math.max(place.retryInMs, expectedMs / 2, 50)) + Math.random() * 20);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The waiting page of a donation, for its donor to come back to until their Checkout Session opens. */
export function waitingPath(config: Pick<AppContext['config'], 'sessionSecret'>, donationId: string): string {
  return `/donations/waiting/${signToken(config.sessionSecret, 'checkout-wait', donationId)}`;
}

/**
 * The Checkout Session's address, or the waiting page's while the Stripe budget has no slot for the donor (or
 * Stripe answered 429): the pending donation stays, and the donor keeps their place in the line. Stripe not
 * answering at all is another matter, said as before.
 */
async function sessionOrWait(ctx: GivingContext, donationId: string, params: Stripe.Checkout.SessionCreateParams, locale: Locale, donor: 'arriving' | 'waiting'): Promise<CheckoutOutcome> {
  // An arriving donor's form may wait a moment for a slot that is about to free; a waiting page's visit was held already.
  const line: DonorLine = { id: donationId, holdUntil: donor === 'arriving' ? performance.now() + arrivalHoldMs : undefined };
  let session;
  try {
    session = await inDonorLine(line, () => createCheckoutSession(ctx.stripe, params));
  } catch (error) {
    if (error instanceof Stripe.errors.StripeRateLimitError) return { kind: 'waiting', url: waitingPath(ctx.config, donationId) };
    ctx.logger.error({ err: error, donationId }, 'checkout: Stripe refused or did not answer');
    throw new ServiceUnavailable(translate(locale, 'donate.error.stripeDown'));
  }
  // A donor back on the waiting page after leaving the line (their page closed a while) waited for an unknown time.
  const waitedMs = line.waitedMs ?? (donor === 'arriving' ? 0 : null);
  await attachOpenedCheckout(ctx.db, donationId, session.id, waitedMs);
  if (waitedMs !== null) ctx.metrics?.observeCheckoutWait(waitedMs);
  return { kind: 'checkout', url: session.url! };
}

export type WaitingOutcome =
  | { kind: 'checkout'; url: string }
  /** Still waiting: the page again, about this gift, asking again after `refreshSeconds`. */
  | { kind: 'waiting'; gift: WaitingGift; refreshSeconds: number }
  /** The gift no longer waits (paid, or expired): the thank-you page, or the campaign's. */
  | { kind: 'moved-on'; url: string };

/**
 * What a visit to the waiting page finds: the donor's Checkout Session when their turn has come (opened now,
 * under the donation's idempotency key, or already open), or still their place in the line.
 */
export async function resumeCheckout(ctx: GivingContext, donationId: string, baseUrl: string): Promise<WaitingOutcome | undefined> {
  // Most visits find the donor's turn not yet come: answered from Redis and memory, without Postgres or Stripe.
  const turn = await turnOf(ctx, donationId);
  if (turn) {
    const waiting = await waitingGiftOf(ctx, donationId);
    return waiting && { kind: 'waiting', gift: waiting, refreshSeconds: turn.refreshSeconds };
  }
  const gift = await findWaitingGift(ctx.db, donationId);
  if (!gift) return undefined;
  const { donation, campaign } = gift;
  const locale = localeFrom(donation.locale);
  if (donation.stripe_checkout_session_id) {
    // Opened already (another tab, or the back button from Checkout): that session, while it is open.
    const thanks = `/donations/thanks?session_id=${encodeURIComponent(donation.stripe_checkout_session_id)}`;
    if (donation.status !== 'pending') return { kind: 'moved-on', url: thanks };
    try {
      const session = await inDonorLine({ id: donationId }, () => ctx.stripe.checkout.sessions.retrieve(donation.stripe_checkout_session_id!));
      return session.status === 'open' && session.url ? { kind: 'checkout', url: session.url } : { kind: 'moved-on', url: thanks };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeRateLimitError) return { kind: 'waiting', gift, refreshSeconds: soonestRefreshSeconds };
      ctx.logger.error({ err: error, donationId }, 'checkout: Stripe did not say whether the open session is still open');
      throw new ServiceUnavailable(translate(locale, 'donate.error.stripeDown'));
    }
  }
  if (donation.status !== 'pending') return { kind: 'moved-on', url: `/campaigns/${campaign.slug}` };
  // The very parameters the form's attempt sent, so that Stripe's idempotency key matches them.
  const params = checkoutSessionParams(donation, campaign, gift.donorEmail, {
    baseUrl,
    wallets: ctx.config.stripe.wallets,
    retryToken: signToken(ctx.config.sessionSecret, 'retry', donation.id),
  });
  const outcome = await sessionOrWait(ctx, donation.id, params, locale, 'waiting');
  if (outcome.kind === 'checkout') {
    waitingGifts.delete(donationId);
    return outcome;
  }
  return { kind: 'waiting', gift, refreshSeconds: soonestRefreshSeconds };
}
