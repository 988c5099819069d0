// Refunds finance asks for from a gift's page. We only ask Stripe: the ledger changes when Stripe's
// webhook confirms the refund, through the same handlers as a refund made in Stripe's Dashboard.
import Stripe from 'stripe';
import type { Db, Trx } from '../database';
import type { Donation } from '../tables/donations.table';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';
import { formatMoney, type Money } from '../money';
import { lockDonation } from '../donations/donation.repository';
import { recordAudit } from '../staff/audit.repository';
import { readAmount } from './amount';
import { statusLabel } from './labels';
import type { RefundRequest } from '../tables/refund-requests.table';
import {
  findLatestRefundRequest,
  findRefundRequest,
  findRefundRequestByAttempt,
  insertRefundRequest,
  markRefundAccepted,
  markRefundRefused,
  sumLedgerOfGift,
  sumUnconfirmedRefunds,
} from './refund.repository';

export interface RefundForm {
  amount: string;
  reason: string;
  attempt: string;
}

export type RefundOutcome =
  | { kind: 'accepted'; request: RefundRequest; repeated: boolean }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'refused'; message: string };

type PreparedRefund = RefundOutcome | { kind: 'send'; donation: Donation; request: RefundRequest; repeated: boolean };

const refundableStatuses = ['succeeded', 'partially_refunded'];

/** Whether finance may ask Stripe to refund this gift at all (not why not). */
const isStripeGift = (donation: Pick<Donation, 'origin' | 'stripe_payment_intent_id' | 'stripe_charge_id'>) =>
  donation.origin !== 'offline' && (donation.stripe_payment_intent_id !== null || donation.stripe_charge_id !== null);

/**
 * What is left to refund: the gift as the ledger holds it, less refunds Stripe accepted that its
 * webhook has not brought into the ledger yet, less requests whose answer we never heard.
 */
async function refundableAmount(db: Db, donation: Pick<Donation, 'id' | 'currency'>, exceptAttempt?: number): Promise<Money> {
  const kept = await sumLedgerOfGift(db, donation);
  const unconfirmed = await sumUnconfirmedRefunds(db, donation.id, exceptAttempt);
  return { amount: Math.max(0, kept - unconfirmed), currency: donation.currency };
}

/** The attempt number the next refund form carries, and a request whose answer never came, to try again. */
async function nextRefundAttempt(db: Db, donationId: string): Promise<{ attempt: number; unanswered?: RefundRequest }> {
  const latest = await findLatestRefundRequest(db, donationId);
  if (latest?.status === 'requested') return { attempt: latest.attempt, unanswered: latest };
  return { attempt: (latest?.attempt ?? 0) + 1 };
}

export interface RefundState {
  /** What is left to refund; only for a gift Stripe may refund now. */
  left?: Money;
  attempt: number;
  unanswered?: RefundRequest;
}

/** What the refund form of a gift's page needs. */
export async function refundStateOf(db: Db, donation: Donation): Promise<RefundState> {
  const refundable = isStripeGift(donation) && refundableStatuses.includes(donation.status);
  const left = refundable ? await refundableAmount(db, donation) : undefined;
  return { left, ...(await nextRefundAttempt(db, donation.id)) };
}

export const refundIdempotencyKey = (request: Pick<RefundRequest, 'donation_id' | 'amount' | 'attempt'>) =>
  `smilefund-refund-${request.donation_id}-${request.amount}-${request.attempt}`;

function readForm(donation: Donation, form: RefundForm, locale: Locale): { amount: number; reason: string; attempt: number } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const amount = readAmount(locale, 'refund', form.amount ?? '', donation.currency);
  if (!amount.ok) errors.amount = amount.message;
  const reason = (form.reason ?? '').trim();
  if (reason === '' || reason.length > 500) errors.reason = translate(locale, 'finance.refund.error.reason');
  const attempt = Number(form.attempt);
  if (!Number.isSafeInteger(attempt) || attempt < 1) errors.attempt = translate(locale, 'finance.refund.error.incomplete');
  if (Object.keys(errors).length > 0 || !amount.ok) return { errors };
  return { amount: amount.amount, reason, attempt };
}

const refusedAlready = (request: RefundRequest, locale: Locale): RefundOutcome => ({
  kind: 'refused',
  message: translate(locale, 'finance.refund.error.refused', { reason: request.failure_message ?? translate(locale, 'finance.refund.error.noReasonGiven') }),
});

const noAnswer = (locale: Locale): RefundOutcome => ({ kind: 'refused', message: translate(locale, 'finance.refund.error.noAnswer') });

/** The refund Stripe made for this request, found by the metadata every refund we ask for carries. */
async function refundMadeFor(stripe: Stripe, donation: Donation, request: RefundRequest): Promise<Stripe.Refund | undefined> {
  const refunds = stripe.refunds.list({
    ...(donation.stripe_payment_intent_id ? { payment_intent: donation.stripe_payment_intent_id } : { charge: donation.stripe_charge_id! }),
    limit: 100,
  });
  for await (const refund of refunds) {
    if (refund.metadata?.refund_request === String(request.id)) return refund;
  }
  return undefined;
}

/** Under the donation's lock: settles an unanswered request by what Stripe made for it (`made`) and what is left. */
async function settleUnderLock(trx: Trx, donation: Donation, request: RefundRequest, made: Stripe.Refund | undefined, staffId: number, locale: Locale): Promise<RefundOutcome | undefined> {
  // Refunds of one gift are asked for one at a time.
  await lockDonation(trx, 'id', donation.id);
  const current = await findRefundRequest(trx, request.id);
  if (current.status === 'accepted') return { kind: 'accepted', request: current, repeated: true };
  if (current.status === 'refused') return refusedAlready(current, locale);
  if (made) {
    const accepted = await markRefundAccepted(trx, request.id, made.id);
    await recordAudit(trx, {
      staffId,
      action: 'gift.refund_accepted',
      subjectType: 'donation',
      subjectId: donation.id,
      after: { attempt: request.attempt, amount: made.amount, stripe_refund_id: made.id, found: 'already made at Stripe' },
    });
    return { kind: 'accepted', request: accepted, repeated: true };
  }
  const left = await refundableAmount(trx, donation, request.attempt);
  if (request.amount <= left.amount) return undefined;
  // The request row and the audit keep what happened in English, as the rest of the record is; the page says it in the reader's language.
  const because = (to: Locale) =>
    left.amount === 0 ? translate(to, 'finance.refund.error.nothingLeftToResend') : translate(to, 'finance.refund.error.onlyLeftToResend', { amount: formatMoney(left, to) });
  const recorded = because('en');
  await markRefundRefused(trx, request.id, recorded);
  await recordAudit(trx, { staffId, action: 'gift.refund_refused', subjectType: 'donation', subjectId: donation.id, after: { attempt: request.attempt, message: recorded } });
  return { kind: 'refused', message: translate(locale, 'finance.refund.error.notSentAgain', { reason: because(locale) }) };
}

/**
 * Before an unanswered request is sent again: if Stripe did refund it, the request is accepted with that
 * refund; if the gift no longer has its amount left, the request is closed unsent. Otherwise undefined: send it.
 */
async function settleUnansweredRequest(db: Db, stripe: Stripe, donation: Donation, request: RefundRequest, staffId: number, locale: Locale): Promise<RefundOutcome | undefined> {
  let made: Stripe.Refund | undefined;
  try {
    made = await refundMadeFor(stripe, donation, request);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return noAnswer(locale);
    throw error;
  }
  return db.transaction().execute((trx) => settleUnderLock(trx, donation, request, made, staffId, locale));
}

/** Why this gift cannot be refunded at all, or undefined when it can. */
function refusalOf(donation: Donation, locale: Locale): string | undefined {
  if (!isStripeGift(donation)) return translate(locale, 'finance.refund.error.notStripe');
  if (refundableStatuses.includes(donation.status)) return undefined;
  if (donation.status === 'disputed') return translate(locale, 'finance.refund.error.disputed');
  return translate(locale, 'finance.refund.error.status', { status: statusLabel(locale, donation.status) });
}

/** Under the donation's lock: checks the form, and writes the request row and its audit entry unless this form was sent before. */
async function prepareRefund(trx: Trx, donationId: string, form: RefundForm, staffId: number, locale: Locale): Promise<PreparedRefund> {
  const donation = await lockDonation(trx, 'id', donationId);
  if (!donation) throw new Error(`donation ${donationId} is gone`);
  const refusal = refusalOf(donation, locale);
  if (refusal) return { kind: 'refused', message: refusal };
  const input = readForm(donation, form, locale);
  if ('errors' in input) return { kind: 'invalid', errors: input.errors };

  const existing = await findRefundRequestByAttempt(trx, donation.id, input.attempt);
  if (existing) {
    if (existing.amount !== input.amount) return { kind: 'invalid', errors: { amount: translate(locale, 'finance.refund.error.otherAmount') } };
    if (existing.status === 'accepted') return { kind: 'accepted', request: existing, repeated: true };
    if (existing.status === 'refused') return refusedAlready(existing, locale);
    return { kind: 'send', donation, request: existing, repeated: true };
  }

  const { attempt } = await nextRefundAttempt(trx, donation.id);
  if (input.attempt !== attempt) return { kind: 'invalid', errors: { attempt: translate(locale, 'finance.refund.error.attemptTaken') } };
  const left = await refundableAmount(trx, donation);
  if (input.amount > left.amount) {
    const amount = left.amount === 0 ? translate(locale, 'finance.refund.error.nothingLeft') : translate(locale, 'finance.refund.error.atMost', { amount: formatMoney(left, locale) });
    return { kind: 'invalid', errors: { amount } };
  }
  const request = await insertRefundRequest(trx, { donation_id: donation.id, attempt: input.attempt, amount: input.amount, currency: donation.currency, reason: input.reason, requested_by: staffId });
  await recordAudit(trx, {
    staffId,
    action: 'gift.refund_requested',
    subjectType: 'donation',
    subjectId: donation.id,
    after: { amount: input.amount, currency: donation.currency, reason: input.reason, attempt: input.attempt },
  });
  return { kind: 'send', donation, request, repeated: false };
}

/** Asks Stripe for the refund under the request's idempotency key, and records its answer. */
async function sendRefund(db: Db, stripe: Stripe, donation: Donation, request: RefundRequest, repeated: boolean, staffId: number, locale: Locale): Promise<RefundOutcome> {
  try {
    const refund = await stripe.refunds.create(
      {
        ...(donation.stripe_payment_intent_id ? { payment_intent: donation.stripe_payment_intent_id } : { charge: donation.stripe_charge_id! }),
        amount: request.amount,
        reason: 'requested_by_customer',
        metadata: { donation_id: donation.id, refund_request: String(request.id) },
      },
      { idempotencyKey: refundIdempotencyKey(request) },
    );
    return { kind: 'accepted', request: await markRefundAccepted(db, request.id, refund.id), repeated };
  } catch (error) {
    // Stripe answered no (4xx): the request is over, and the next form asks afresh.
    if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
      await db.transaction().execute(async (trx) => {
        await markRefundRefused(trx, request.id, error.message.slice(0, 500));
        await recordAudit(trx, { staffId, action: 'gift.refund_refused', subjectType: 'donation', subjectId: donation.id, after: { attempt: request.attempt, message: error.message } });
      });
      return { kind: 'refused', message: translate(locale, 'finance.refund.error.refused', { reason: error.message }) };
    }
    if (error instanceof Stripe.errors.StripeIdempotencyError) return { kind: 'refused', message: translate(locale, 'finance.refund.error.inFlight') };
    // No answer, or one we cannot read: whether Stripe refunded is unknown, so the request stays open
    // and the page offers to send the very same request again, which cannot refund twice.
    if (error instanceof Stripe.errors.StripeError) return noAnswer(locale);
    throw error;
  }
}

/**
 * Asks Stripe to refund `form.amount` of the gift. The request row and its audit entry are written in
 * one transaction, under the donation's lock, before Stripe is called; the same form sent twice finds
 * its row and, unless Stripe already made a refund for it, asks Stripe again under the same idempotency key.
 * Messages are in `locale`, the reader's language.
 */
export async function requestRefund(db: Db, stripe: Stripe, donationId: string, form: RefundForm, staffId: number, locale: Locale): Promise<RefundOutcome> {
  const prepared = await db.transaction().execute((trx) => prepareRefund(trx, donationId, form, staffId, locale));
  if (prepared.kind !== 'send') return prepared;
  const { donation, request, repeated } = prepared;
  if (repeated) {
    // Stripe forgets an idempotency key after a day, so a request sent again must not lean on it:
    // look for a refund Stripe made for this request, and check the gift still has the amount to give back.
    const settled = await settleUnansweredRequest(db, stripe, donation, request, staffId, locale);
    if (settled) return settled;
  }
  return sendRefund(db, stripe, donation, request, repeated, staffId, locale);
}
