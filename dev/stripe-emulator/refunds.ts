// Refunds: money back to the donor, and out of the balance at the rate the charge came in at.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import { formatMoney } from '../../server/money';
import type { Account } from './account';
import { recordBalanceTransaction } from './balance';
import { findTestCard } from './cards';
import { InvalidParams, invalidRequest } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { expand, metadata, parseParams, positiveInteger, text } from './params';
import { respond } from './responses';
import { convertToSettlement } from './settlement';

/** The charge behind a `charge` or `payment_intent` parameter. */
export function chargeNamed(account: Account, ids: { charge?: string; payment_intent?: string }): Stripe.Charge {
  const { store } = account;
  if (ids.charge && ids.payment_intent) throw new InvalidParams('You may only specify one of these parameters: charge, payment_intent.', { param: 'payment_intent' });
  if (ids.charge) return store.get('charge', ids.charge, 'charge');
  if (!ids.payment_intent) throw new InvalidParams('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing', param: 'charge' });
  const intent = store.get('payment_intent', ids.payment_intent, 'payment_intent');
  const charge = intent.latest_charge ? store.find('charge', String(intent.latest_charge)) : undefined;
  if (intent.status !== 'succeeded' || !charge) throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge.`, { param: 'payment_intent' });
  return charge;
}

/**
 * The part of the charge's settlement amount that `amount` more of it is worth, having already used
 * `before` of it: differences of converted totals, so the pieces of a charge always add up to it.
 */
export function settlementShare(account: Account, charge: Stripe.Charge, before: number, amount: number): number {
  const rate = account.store.notes(charge.id).rate;
  const converted = (value: number) => convertToSettlement(account.settlement, value, charge.currency, rate).amount;
  return converted(before + amount) - converted(before);
}

function money(amount: number, currency: string): string {
  return formatMoney({ amount, currency: currency.toUpperCase() }, 'en');
}

const cardReference = () => `7${Array.from({ length: 22 }, () => Math.floor(Math.random() * 10)).join('')}`;

function destinationOf(charge: Stripe.Charge): Stripe.Refund.DestinationDetails {
  const type = charge.payment_method_details?.type ?? 'card';
  if (type === 'card') return { type: 'card', card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' } };
  return { type, [type]: {} } as Stripe.Refund.DestinationDetails;
}

interface RefundRequest {
  charge?: string;
  payment_intent?: string;
  amount?: number;
  reason?: Stripe.Refund.Reason;
  metadata?: Record<string, string>;
}

export function createRefund(account: Account, request: RefundRequest): Stripe.Refund {
  const { store } = account;
  const charge = chargeNamed(account, request);
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} did not succeed, so there is nothing to refund.`, { param: 'charge' });
  const openDispute = store.all('dispute').some((dispute) => dispute.charge === charge.id && dispute.status !== 'won');
  if (openDispute) throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = request.amount ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(`Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  const id = newId('re');
  const transaction = recordBalanceTransaction(account, {
    type: 'refund',
    reporting_category: 'refund',
    amount: -settlementShare(account, charge, charge.amount_refunded, amount),
    fee: 0,
    source: id,
    description: `REFUND FOR CHARGE (${charge.description ?? charge.id})`,
    rate: store.notes(charge.id).rate ?? null,
  });
  const wallet = charge.payment_method_details?.type !== 'card';
  const card = findTestCard(store.notes(charge.id).card ?? '');
  const refund: Stripe.Refund = {
    ...sample('refund'),
    id,
    amount,
    balance_transaction: transaction.id,
    charge: charge.id,
    created: store.now(),
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: destinationOf(charge),
    metadata: request.metadata ?? {},
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: request.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    // Wallets confirm a refund a moment later; cards at once, with the acquirer's reference to follow,
    // unless the card is one whose bank keeps the refund pending.
    status: wallet || card?.refund === 'pending' ? 'pending' : 'succeeded',
    ...(card?.refund === 'pending' ? { pending_reason: 'processing' as const } : {}),
    transfer_reversal: null,
  };
  store.insert(refund);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  account.emit('refund.created', refund);
  account.emit('charge.refunded', charge);
  if (card?.refund === 'pending') return refund;
  const before = structuredClone(refund);
  if (wallet) refund.status = 'succeeded';
  else refund.destination_details = { type: 'card', card: { reference: cardReference(), reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' } };
  account.emitChange('refund.updated', refund, before);
  if (card?.refund === 'fails') account.later(refundFailsAfterMs, () => failRefund(account, refund, 'expired_or_canceled_card'));
  return refund;
}

/** How long the bank of Stripe's "asynchronous refund failure" card takes to send a refund back. */
export const refundFailsAfterMs = 300;

/** Both events Stripe sends when a refund changes: refund.updated and, for a charge's refund, charge.refund.updated. */
function emitRefundChange(account: Account, refund: Stripe.Refund, before: Stripe.Refund): void {
  account.emitChange('refund.updated', refund, before);
  account.emitChange('charge.refund.updated', refund, before);
}

/** A pending card refund the bank accepted. */
export function settleRefund(account: Account, refund: Stripe.Refund): Stripe.Refund {
  if (refund.status !== 'pending') throw invalidRequest(`Refund ${refund.id} is ${refund.status}; only a pending refund can succeed.`);
  const before = structuredClone(refund);
  refund.status = 'succeeded';
  delete refund.pending_reason;
  if (refund.destination_details?.type === 'card') {
    refund.destination_details = { type: 'card', card: { reference: cardReference(), reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' } };
  }
  emitRefundChange(account, refund, before);
  return refund;
}

/**
 * The bank sent the refund back (a closed or lost card): the money returns to the balance by a
 * refund_failure balance transaction, and the charge counts it as refunded no longer.
 */
export function failRefund(account: Account, refund: Stripe.Refund, reason: Stripe.Refund['failure_reason'] & string): Stripe.Refund {
  const { store } = account;
  if (refund.status !== 'pending' && refund.status !== 'succeeded') throw invalidRequest(`Refund ${refund.id} is ${refund.status}; only a pending or succeeded refund can fail.`);
  const charge = store.get('charge', String(refund.charge));
  const refunded = store.find('balance_transaction', String(refund.balance_transaction));
  const failure = recordBalanceTransaction(account, {
    type: 'refund_failure',
    reporting_category: 'refund_failure',
    amount: -(refunded?.amount ?? 0),
    fee: 0,
    source: refund.id,
    description: `REFUND FAILURE FOR CHARGE (${charge.description ?? charge.id})`,
    rate: store.notes(charge.id).rate ?? null,
  });
  const before = structuredClone(refund);
  Object.assign(refund, { status: 'failed', failure_balance_transaction: failure.id, failure_reason: reason });
  delete refund.pending_reason;
  charge.amount_refunded -= refund.amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  emitRefundChange(account, refund, before);
  account.emit('refund.failed', refund);
  return refund;
}

const createParams = z.strictObject({
  charge: text.optional(),
  payment_intent: text.optional(),
  amount: positiveInteger.optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  metadata: metadata.optional(),
  expand,
});
const listRefundsParams = listParams({ charge: text.optional(), payment_intent: text.optional() });

export function refundRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/v1/refunds', (req, res) => {
    const { expand: paths, ...request } = parseParams(createParams, req.body);
    const refund = account.onBehalfOf(requestOf(res, req), () => createRefund(account, request));
    respond(res, account, refund, paths);
  });
  routes.get('/v1/refunds', (req, res) => {
    const params = parseParams(listRefundsParams, req.query);
    const refunds = account.store
      .all('refund')
      .filter((refund) => (params.charge ? refund.charge === params.charge : true))
      .filter((refund) => (params.payment_intent ? refund.payment_intent === params.payment_intent : true));
    respond(res, account, paginate(refunds, params, '/v1/refunds'), params.expand);
  });
  routes.get('/v1/refunds/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('refund', req.params.id), params.expand);
  });
  // The card's bank answering at last: what Stripe's test mode does on its own some time later.
  routes.post('/_emulator/refunds/:id/succeed', (req, res) => {
    parseParams(z.strictObject({}), req.body);
    const refund = account.store.get('refund', req.params.id);
    account.onBehalfOf({ id: null, idempotency_key: null }, () => settleRefund(account, refund));
    respond(res, account, refund);
  });
  routes.post('/_emulator/refunds/:id/fail', (req, res) => {
    const params = parseParams(z.strictObject({ failure_reason: z.enum(['expired_or_canceled_card', 'lost_or_stolen_card', 'unknown']).optional() }), req.body);
    const refund = account.store.get('refund', req.params.id);
    if (refund.destination_details?.type !== 'card') throw invalidRequest(`Refund ${refund.id} is not a card refund; only card refunds fail this way.`);
    account.onBehalfOf({ id: null, idempotency_key: null }, () => failRefund(account, refund, params.failure_reason ?? 'expired_or_canceled_card'));
    respond(res, account, refund);
  });
  return routes;
}

