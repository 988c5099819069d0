// Refunds: money back to the donor, and out of the balance at the rate the charge came in at.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import { formatMoney } from '../../server/money';
import type { Account } from './account';
import { recordBalanceTransaction } from './balance';
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
    // Wallets confirm a refund a moment later; cards at once, with the acquirer's reference to follow.
    status: wallet ? 'pending' : 'succeeded',
    transfer_reversal: null,
  };
  store.insert(refund);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  account.emit('refund.created', refund);
  account.emit('charge.refunded', charge);
  const before = structuredClone(refund);
  if (wallet) refund.status = 'succeeded';
  else refund.destination_details = { type: 'card', card: { reference: cardReference(), reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' } };
  account.emitChange('refund.updated', refund, before);
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
  return routes;
}

