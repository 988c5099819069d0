// Refunds finance asks for from a gift's page. We only ask Stripe: the ledger changes when Stripe's
// webhook confirms the refund, through the same handlers as a refund made in Stripe's Dashboard.
import { sql } from 'kysely';
import Stripe from 'stripe';
import type { Db } from '../database';
import type { Donation } from '../donations/donation.table';
import type { RefundRequest } from './refund.table';
import { formatMoney, parseAmount, type Money } from '../money';
import { recordAudit } from '../staff/audit';

export interface RefundForm {
  amount: string;
  reason: string;
  attempt: string;
}

export type RefundOutcome =
  | { kind: 'accepted'; request: RefundRequest; repeated: boolean }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'refused'; message: string };

const refundableStatuses = ['succeeded', 'partially_refunded'];

/** Whether finance may ask Stripe to refund this gift at all (not why not). */
export const isStripeGift = (donation: Pick<Donation, 'origin' | 'stripe_payment_intent_id' | 'stripe_charge_id'>) =>
  donation.origin !== 'offline' && (donation.stripe_payment_intent_id !== null || donation.stripe_charge_id !== null);

/**
 * What is left to refund: the gift as the ledger holds it, less refunds Stripe accepted that its
 * webhook has not brought into the ledger yet, less requests whose answer we never heard.
 */
export async function refundableAmount(db: Db, donation: Pick<Donation, 'id' | 'currency'>, exceptAttempt?: number): Promise<Money> {
  const { kept } = await db
    .selectFrom('ledger_entries')
    .select(sql<string>`coalesce(sum(amount), 0)`.as('kept'))
    .where('donation_id', '=', donation.id)
    .where('currency', '=', donation.currency)
    .executeTakeFirstOrThrow();
  let pending = db
    .selectFrom('refund_requests')
    .select(sql<string>`coalesce(sum(amount), 0)`.as('pending'))
    .where('donation_id', '=', donation.id)
    .where('status', 'in', ['requested', 'accepted'])
    .where((eb) =>
      eb.or([
        eb('stripe_refund_id', 'is', null),
        eb.not(eb.exists(eb.selectFrom('ledger_entries').select('ledger_entries.id').whereRef('ledger_entries.stripe_object_id', '=', 'refund_requests.stripe_refund_id'))),
      ]),
    );
  if (exceptAttempt !== undefined) pending = pending.where('attempt', '<>', exceptAttempt);
  const { pending: unconfirmed } = await pending.executeTakeFirstOrThrow();
  return { amount: Math.max(0, Number(kept) - Number(unconfirmed)), currency: donation.currency };
}

/** The attempt number the next refund form carries, and a request whose answer never came, to try again. */
export async function nextRefundAttempt(db: Db, donationId: string): Promise<{ attempt: number; unanswered?: RefundRequest }> {
  const latest = await db.selectFrom('refund_requests').selectAll().where('donation_id', '=', donationId).orderBy('attempt', 'desc').limit(1).executeTakeFirst();
  if (latest?.status === 'requested') return { attempt: latest.attempt, unanswered: latest };
  return { attempt: (latest?.attempt ?? 0) + 1 };
}

export const refundIdempotencyKey = (request: Pick<RefundRequest, 'donation_id' | 'amount' | 'attempt'>) =>
  `smilefund-refund-${request.donation_id}-${request.amount}-${request.attempt}`;

function readForm(donation: Donation, form: RefundForm): { amount: number; reason: string; attempt: number } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const parsed = parseAmount(form.amount ?? '', donation.currency);
  if (!parsed.ok) {
    errors.amount =
      parsed.problem === 'fraction'
        ? `${donation.currency} amounts have at most the currency's usual decimal places.`
        : parsed.problem === 'too_large'
          ? 'That amount is far too large.'
          : parsed.problem === 'separator'
            ? 'Use a point for decimals: 12.50, not 12,50. A comma may only separate thousands, as in 1,250.'
            : 'Enter the amount to refund, like 150 or 150.50.';
  } else if (parsed.money.amount <= 0) errors.amount = 'Enter an amount above zero.';
  const reason = (form.reason ?? '').trim();
  if (reason === '' || reason.length > 500) errors.reason = 'Say why this gift is refunded (at most 500 characters).';
  const attempt = Number(form.attempt);
  if (!Number.isSafeInteger(attempt) || attempt < 1) errors.attempt = 'This form is incomplete. Reload the page and try again.';
  if (Object.keys(errors).length > 0 || !parsed.ok) return { errors };
  return { amount: parsed.money.amount, reason, attempt };
}

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

/**
 * Before an unanswered request is sent again: if Stripe did refund it, the request is accepted with that
 * refund; if the gift no longer has its amount left, the request is closed unsent. Otherwise undefined: send it.
 */
async function settleUnansweredRequest(db: Db, stripe: Stripe, donation: Donation, request: RefundRequest, staffId: number): Promise<RefundOutcome | undefined> {
  let made: Stripe.Refund | undefined;
  try {
    made = await refundMadeFor(stripe, donation, request);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      return { kind: 'refused', message: 'Stripe did not answer, so we do not know yet whether it refunded. Try again: the same request is sent, and it cannot refund twice.' };
    }
    throw error;
  }
  return db.transaction().execute(async (trx): Promise<RefundOutcome | undefined> => {
    await trx.selectFrom('donations').select('id').where('id', '=', donation.id).forUpdate().executeTakeFirstOrThrow();
    const current = await trx.selectFrom('refund_requests').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
    if (current.status === 'accepted') return { kind: 'accepted', request: current, repeated: true };
    if (current.status === 'refused') return { kind: 'refused', message: `Stripe refused this refund: ${current.failure_message ?? 'no reason given'}` };
    if (made) {
      const accepted = await trx
        .updateTable('refund_requests')
        .set({ status: 'accepted', stripe_refund_id: made.id, updated_at: sql`now()` })
        .where('id', '=', request.id)
        .returningAll()
        .executeTakeFirstOrThrow();
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
    if (request.amount > left.amount) {
      const message = left.amount === 0 ? 'Nothing is left to refund, so it was not sent again.' : `Only ${formatMoney(left, 'en')} is left to refund, so it was not sent again.`;
      await trx.updateTable('refund_requests').set({ status: 'refused', failure_message: message, updated_at: sql`now()` }).where('id', '=', request.id).execute();
      await recordAudit(trx, { staffId, action: 'gift.refund_refused', subjectType: 'donation', subjectId: donation.id, after: { attempt: request.attempt, message } });
      return { kind: 'refused', message: `This refund was not sent again: ${message}` };
    }
    return undefined;
  });
}

/**
 * Asks Stripe to refund `form.amount` of the gift. The request row and its audit entry are written in
 * one transaction, under the donation's lock, before Stripe is called; the same form sent twice finds
 * its row and, unless Stripe already made a refund for it, asks Stripe again under the same idempotency key.
 */
export async function requestRefund(db: Db, stripe: Stripe, donationId: string, form: RefundForm, staffId: number): Promise<RefundOutcome> {
  const prepared = await db.transaction().execute(async (trx) => {
    const donation = await trx.selectFrom('donations').selectAll().where('id', '=', donationId).forUpdate().executeTakeFirstOrThrow();
    if (!isStripeGift(donation)) return { kind: 'refused' as const, message: 'Only gifts paid through Stripe are refunded here; correct an offline gift instead.' };
    if (!refundableStatuses.includes(donation.status)) {
      return { kind: 'refused' as const, message: donation.status === 'disputed' ? 'This gift is disputed: Stripe does not refund a charge while its dispute is open.' : `A ${donation.status.replace('_', ' ')} gift cannot be refunded.` };
    }
    const input = readForm(donation, form);
    if ('errors' in input) return { kind: 'invalid' as const, errors: input.errors };

    const existing = await trx.selectFrom('refund_requests').selectAll().where('donation_id', '=', donation.id).where('attempt', '=', input.attempt).executeTakeFirst();
    if (existing) {
      if (existing.amount !== input.amount) return { kind: 'invalid' as const, errors: { amount: 'This refund form was already sent with another amount. Reload the page to refund again.' } };
      if (existing.status === 'accepted') return { kind: 'accepted' as const, request: existing, repeated: true };
      if (existing.status === 'refused') return { kind: 'refused' as const, message: `Stripe refused this refund: ${existing.failure_message ?? 'no reason given'}` };
      return { kind: 'send' as const, donation, request: existing, repeated: true };
    }

    const { attempt } = await nextRefundAttempt(trx, donation.id);
    if (input.attempt !== attempt) {
      return { kind: 'invalid' as const, errors: { attempt: 'Someone has asked for a refund of this gift since this page was opened. Check the refunds below, then try again.' } };
    }
    const left = await refundableAmount(trx, donation);
    if (input.amount > left.amount) {
      return { kind: 'invalid' as const, errors: { amount: left.amount === 0 ? 'Nothing is left to refund.' : `At most ${formatMoney(left, 'en')} is left to refund.` } };
    }
    const request = await trx
      .insertInto('refund_requests')
      .values({ donation_id: donation.id, attempt: input.attempt, amount: input.amount, currency: donation.currency, reason: input.reason, requested_by: staffId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      staffId,
      action: 'gift.refund_requested',
      subjectType: 'donation',
      subjectId: donation.id,
      after: { amount: input.amount, currency: donation.currency, reason: input.reason, attempt: input.attempt },
    });
    return { kind: 'send' as const, donation, request, repeated: false };
  });
  if (prepared.kind !== 'send') return prepared;

  const { donation, request, repeated } = prepared;
  if (repeated) {
    // Stripe forgets an idempotency key after a day, so a request sent again must not lean on it:
    // look for a refund Stripe made for this request, and check the gift still has the amount to give back.
    const settled = await settleUnansweredRequest(db, stripe, donation, request, staffId);
    if (settled) return settled;
  }
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
    const accepted = await db
      .updateTable('refund_requests')
      .set({ status: 'accepted', stripe_refund_id: refund.id, updated_at: sql`now()` })
      .where('id', '=', request.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { kind: 'accepted', request: accepted, repeated };
  } catch (error) {
    // Stripe answered no (4xx): the request is over, and the next form asks afresh.
    if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('refund_requests').set({ status: 'refused', failure_message: error.message.slice(0, 500), updated_at: sql`now()` }).where('id', '=', request.id).execute();
        await recordAudit(trx, { staffId, action: 'gift.refund_refused', subjectType: 'donation', subjectId: donation.id, after: { attempt: request.attempt, message: error.message } });
      });
      return { kind: 'refused', message: `Stripe refused this refund: ${error.message}` };
    }
    if (error instanceof Stripe.errors.StripeIdempotencyError) {
      return { kind: 'refused', message: 'This refund is already being sent to Stripe. Reload the page in a moment to see it.' };
    }
    if (error instanceof Stripe.errors.StripeError) {
      // No answer, or one we cannot read: whether Stripe refunded is unknown, so the request stays open
      // and the page offers to send the very same request again, which cannot refund twice.
      return { kind: 'refused', message: 'Stripe did not answer, so we do not know yet whether it refunded. Try again: the same request is sent, and it cannot refund twice.' };
    }
    throw error;
  }
}
