// The card-testing brake. Someone checking stolen card numbers starts gift after gift for the smallest
// amount that proves a card, and most of those cards are declined. Each decline on one of our Checkout
// pages is stored as Stripe reports it (payment_intent.payment_failed, in the event's transaction, so a
// redelivered event is stored once); the donate form asks here before it starts another attempt.
//
// Declines live in Postgres, not Redis: the event handlers are handed the transaction only, and there
// the count is exact, survives a Redis restart, and cannot fail an event because Redis is away.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { Db } from '../database';
import type { Money } from '../money';
import { minimumGift } from './form';
import { idOf } from '../stripe/ids';
import { isUuid } from '../http/params';
import { donationExists } from './donation.repository';
import { countRecentDeclines, deleteDeclinesOlderThan, forgetNetworksOlderThan, insertCardDecline } from './card-decline.repository';
import type { StripeReads } from './sync/stripe-reads';

export const cardTestingRules = {
  /** How far back a decline counts. */
  windowSeconds: 60 * 60,
  /**
   * An attempt for less than this many times the currency's smallest card gift is small: US$2.50,
   * HK$20, ¥25. Testers use the cheapest charge that proves a card; donors rarely give so little.
   */
  smallMultiple: 5,
  /**
   * Small declines in the window after which one network, or one email address, may start no more small
   * gifts. Larger gifts still go: a venue's shared address, or a donor whose email a tester typed, can give.
   */
  perIp: 5,
  perEmail: 5,
  /**
   * Declines of any amount after which one network may start no gift at all: testers who probe above the
   * small line. Not per email address: anyone can type a donor's address, and the donor must still be able to give.
   */
  anyAmountPerIp: 15,
  /**
   * Small declines in the window, across the site, after which nobody may start a small gift. Larger
   * gifts still go through: a tester spread over many addresses must not be able to switch giving off.
   */
  siteWide: 50,
  /** How long a decline, and the hashed network a gift was started from, are kept: for staff looking back at an attack. */
  keepDays: 30,
};

export type CardTestingRules = typeof cardTestingRules;

/** The first amount that is not small, in minor units of the currency. */
export function smallAttemptCeiling(currency: string, rules: CardTestingRules = cardTestingRules): Money {
  return { amount: minimumGift(currency).amount * rules.smallMultiple, currency };
}

export function isSmallAttempt(attempt: Money, rules: CardTestingRules = cardTestingRules): boolean {
  return attempt.amount < smallAttemptCeiling(attempt.currency, rules).amount;
}

/**
 * What the brake knows a network or an address by: an HMAC under SESSION_SECRET, comparable but never
 * readable, in Redis keys and in the database alike. An email is trimmed and lower-cased first.
 */
export function fingerprint(secret: string, kind: 'ip' | 'email', value: string): string {
  const normal = kind === 'email' ? value.trim().toLowerCase() : value;
  return createHmac('sha256', secret).update(`card-testing:${kind}:${normal}`).digest('base64url');
}


/** A declined attempt as Stripe knows it: the payment (its gift, its amount) and the charge it declined. */
export interface StripeDecline {
  intent: Stripe.PaymentIntent;
  /** Null when Stripe declined without making a charge: the event's id then stands for the attempt. */
  chargeId: string | null;
}

/**
 * The decline a payment_intent.payment_failed event reports, read back from Stripe; undefined when Stripe
 * knows no such decline. The event's copy only names it: the charge it names must be a failed charge of
 * that very PaymentIntent, whose gift and amount are then Stripe's too. The charge is read, not just the
 * PaymentIntent's last error, because a second card declined on the same page replaces that error before
 * the first card's event may be applied, and each card counts.
 */
export async function declineAtStripe(stripe: StripeReads, reported: Stripe.PaymentIntent): Promise<StripeDecline | undefined> {
  const chargeId = idOf(reported.last_payment_error?.charge);
  if (!chargeId) {
    const intent = await stripe.paymentIntent(reported.id);
    return intent.last_payment_error && !idOf(intent.last_payment_error.charge) ? { intent, chargeId: null } : undefined;
  }
  const [charge, intent] = await Promise.all([stripe.charge(chargeId), stripe.paymentIntent(reported.id)]);
  if (charge.status !== 'failed' || idOf(charge.payment_intent) !== reported.id) return undefined;
  return { intent, chargeId: charge.id };
}

/**
 * Stores one declined attempt on the Checkout page of one of our gifts; true when it was new. A payment
 * that names no gift of ours (a renewal, a Dashboard charge) is not a donor at our form and is skipped.
 */
export async function recordCardDecline(db: Db, decline: StripeDecline, eventId: string, rules: CardTestingRules = cardTestingRules): Promise<boolean> {
  const { intent } = decline;
  const donationId = intent.metadata?.donation_id;
  if (!isUuid(donationId) || !(await donationExists(db, donationId))) return false;
  const attempt: Money = { amount: intent.amount, currency: intent.currency.toUpperCase() };
  return insertCardDecline(db, {
    // Each declined card makes a charge of its own: several declines on one Checkout page count apart.
    attempt_id: decline.chargeId ?? eventId,
    donation_id: donationId,
    amount: attempt.amount,
    currency: attempt.currency,
    small: isSmallAttempt(attempt, rules),
  });
}

/**
 * What the brake no longer needs, forgotten: declines older than `keepDays`, and the hashed network each
 * gift was started from once it is that old. Returns how many declines and gifts it cleared.
 */
export async function forgetOldAttempts(db: Db, rules: CardTestingRules = cardTestingRules): Promise<{ declines: number; networks: number }> {
  const declines = await deleteDeclinesOlderThan(db, rules.keepDays);
  const networks = await forgetNetworksOlderThan(db, rules.keepDays);
  return { declines, networks };
}

export type CardTestingVerdict = { blocked: false } | { blocked: true; rule: 'ip' | 'email' | 'site'; declines: number };

/** Whether a new attempt from this network and address, for this amount, may start a gift. */
export async function cardTestingVerdict(
  db: Db,
  attempt: { ipHash: string; email: string; amount: Money },
  rules: CardTestingRules = cardTestingRules,
): Promise<CardTestingVerdict> {
  const email = attempt.email.trim().toLowerCase();
  const counts = await countRecentDeclines(db, { ipHash: attempt.ipHash, email }, rules.windowSeconds);
  if (counts.anyIp >= rules.anyAmountPerIp) return { blocked: true, rule: 'ip', declines: counts.anyIp };
  if (!isSmallAttempt(attempt.amount, rules)) return { blocked: false };
  if (counts.smallIp >= rules.perIp) return { blocked: true, rule: 'ip', declines: counts.smallIp };
  if (counts.smallEmail >= rules.perEmail) return { blocked: true, rule: 'email', declines: counts.smallEmail };
  if (counts.smallSite >= rules.siteWide) return { blocked: true, rule: 'site', declines: counts.smallSite };
  return { blocked: false };
}

/**
 * True the first time `key` is seen in `windowSeconds`: staff hear of a blocked network once per window,
 * not once per attempt. With Redis away every time is the first.
 */
export async function firstNoticeInWindow(redis: Redis, key: string, windowSeconds: number): Promise<boolean> {
  try {
    return (await redis.set(key, '1', 'EX', windowSeconds, 'NX')) === 'OK';
  } catch {
    return true;
  }
}
