// PaymentIntents and Charges: a payment attempt and its outcome, with the balance transaction that
// a successful one adds to the account.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { recordBalanceTransaction } from './balance';
import { findTestCard, type CardDecline } from './cards';
import { currency, refuseUnsettled } from './catalog';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId, randomToken } from './ids';
import { listParams, paginate } from './lists';
import { expand, metadata, parseParams, positiveInteger, text } from './params';
import { createPaymentMethod, paymentMethodDetails, type PaymentMethodChoice } from './payment-methods';
import { respond } from './responses';
import { availableOn, convertToSettlement, processingFee } from './settlement';

export interface IntentFields {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
  receipt_email: string | null;
  payment_method_types: string[];
}

export function createPaymentIntent(account: Account, fields: IntentFields): Stripe.PaymentIntent {
  const id = newId('pi');
  const intent: Stripe.PaymentIntent = {
    ...sample('payment_intent'),
    ...fields,
    id,
    allowed_payment_method_types: null,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: 'automatic',
    created: account.store.now(),
    customer_account: null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_record: null,
    processing: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  return account.store.insert(intent);
}

const approved: Stripe.Charge.Outcome = {
  advice_code: null,
  network_advice_code: null,
  network_decline_code: null,
  network_status: 'approved_by_network',
  reason: null,
  risk_level: 'normal',
  risk_score: 20,
  seller_message: 'Payment complete.',
  type: 'authorized',
};

function declinedOutcome(decline: CardDecline): Stripe.Charge.Outcome {
  return { ...approved, network_status: 'declined_by_network', reason: decline.decline_code, seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' };
}

function buildCharge(account: Account, intent: Stripe.PaymentIntent, choice: PaymentMethodChoice, method: Stripe.PaymentMethod, decline?: CardDecline): Stripe.Charge {
  const charge: Stripe.Charge = {
    ...sample('charge'),
    id: newId('ch'),
    amount: intent.amount,
    amount_captured: decline ? 0 : intent.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: method.billing_details,
    calculated_statement_descriptor: null,
    captured: !decline,
    created: account.store.now(),
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: decline ? declinedOutcome(decline) : approved,
    paid: !decline,
    payment_intent: intent.id,
    payment_method: method.id,
    payment_method_details: paymentMethodDetails(choice),
    receipt_email: intent.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: decline ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
  // Refunds are shown on a charge only when expanded.
  delete charge.refunds;
  return charge;
}

export type PaymentOutcome = { status: 'succeeded'; charge: Stripe.Charge } | { status: 'declined'; charge: Stripe.Charge; decline: CardDecline };

/** The money a successful charge adds to the balance, less Stripe's fee. */
function recordChargeTransaction(account: Account, charge: Stripe.Charge): Stripe.BalanceTransaction {
  const { settlement } = account;
  const converted = convertToSettlement(settlement, charge.amount, charge.currency, account.store.notes(charge.id).rate);
  return recordBalanceTransaction(account, {
    type: 'charge',
    reporting_category: 'charge',
    amount: converted.amount,
    fee: processingFee(settlement, converted.amount),
    source: charge.id,
    description: charge.description,
    rate: converted.rate,
    available_on: availableOn(charge.created),
  });
}

function succeed(account: Account, intent: Stripe.PaymentIntent, choice: PaymentMethodChoice, method: Stripe.PaymentMethod): PaymentOutcome {
  const { store, settlement } = account;
  const charge = buildCharge(account, intent, choice, method);
  const notes = store.notes(charge.id);
  const { rate } = convertToSettlement(settlement, charge.amount, charge.currency);
  if (rate) notes.rate = rate;
  if (choice.type === 'card') notes.card = choice.card.number;
  const late = account.habits.balanceTransactionAfterMs;
  // With background capture Stripe answers before the money is booked: the charge names no balance transaction yet.
  if (late === undefined) charge.balance_transaction = recordChargeTransaction(account, charge).id;
  store.insert(charge);
  Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id, payment_method: method.id, last_payment_error: null, processing: null });
  account.emit('charge.succeeded', charge);
  account.emit('payment_intent.succeeded', intent);
  if (late !== undefined) {
    account.later(late, () => {
      const before = structuredClone(charge);
      charge.balance_transaction = recordChargeTransaction(account, charge).id;
      account.emitChange('charge.updated', charge, before);
    });
  }
  return { status: 'succeeded', charge };
}

function decline(account: Account, intent: Stripe.PaymentIntent, choice: PaymentMethodChoice, method: Stripe.PaymentMethod, reason: CardDecline): PaymentOutcome {
  const charge = account.store.insert(buildCharge(account, intent, choice, method, reason));
  Object.assign(intent, {
    status: 'requires_payment_method',
    latest_charge: charge.id,
    payment_method: null,
    last_payment_error: {
      charge: charge.id,
      code: reason.code,
      decline_code: reason.decline_code,
      doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      message: reason.message,
      payment_method: method,
      type: 'card_error',
    },
  });
  account.emit('charge.failed', charge);
  account.emit('payment_intent.payment_failed', intent);
  return { status: 'declined', charge, decline: reason };
}

/** Charges a card at once (it succeeds or declines), or settles a wallet payment that was processing. */
export function chargeIntent(account: Account, intent: Stripe.PaymentIntent, choice: PaymentMethodChoice, method?: Stripe.PaymentMethod): PaymentOutcome {
  const paymentMethod = method ?? createPaymentMethod(account, choice, typeof intent.customer === 'string' ? intent.customer : null, intent.receipt_email);
  if (choice.type === 'card' && choice.card.decline) return decline(account, intent, choice, paymentMethod, choice.card.decline);
  return succeed(account, intent, choice, paymentMethod);
}

/** A wallet (Alipay, WeChat Pay) payment the donor approved, which Stripe confirms a moment later. */
export function startProcessing(account: Account, intent: Stripe.PaymentIntent, method: Stripe.PaymentMethod): Stripe.PaymentMethod {
  Object.assign(intent, { status: 'processing', payment_method: method.id, last_payment_error: null });
  account.emit('payment_intent.processing', intent);
  return method;
}

const externalPaymentParams = z.strictObject({
  amount: positiveInteger,
  currency,
  metadata: metadata.optional(),
  receipt_email: text.optional(),
  description: text.optional(),
});
const listIntentsParams = listParams({ customer: text.optional() });
const listChargesParams = listParams({ customer: text.optional(), payment_intent: text.optional() });
const retrieveParams = z.strictObject({ expand });

export function paymentRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/payment_intents', (req, res) => {
    const params = parseParams(listIntentsParams, req.query);
    const intents = account.store.all('payment_intent').filter((intent) => (params.customer ? intent.customer === params.customer : true));
    respond(res, account, paginate(intents, params, '/v1/payment_intents'), params.expand);
  });
  routes.get('/v1/payment_intents/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('payment_intent', req.params.id), params.expand);
  });
  routes.get('/v1/charges', (req, res) => {
    const params = parseParams(listChargesParams, req.query);
    const charges = account.store
      .all('charge')
      .filter((charge) => (params.customer ? charge.customer === params.customer : true))
      .filter((charge) => (params.payment_intent ? charge.payment_intent === params.payment_intent : true));
    respond(res, account, paginate(charges, params, '/v1/charges'), params.expand);
  });
  routes.get('/v1/charges/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('charge', req.params.id), params.expand);
  });

  // A payment outside Checkout, as a Payment Link or a charge typed in the Dashboard makes one.
  routes.post('/_emulator/payment_intents', (req, res) => {
    const params = parseParams(externalPaymentParams, req.body);
    refuseUnsettled(account, params.currency, 'currency');
    const intent = account.onBehalfOf(requestOf(res, req), () => {
      const created = createPaymentIntent(account, {
        amount: params.amount,
        currency: params.currency,
        customer: null,
        description: params.description ?? null,
        metadata: params.metadata ?? {},
        receipt_email: params.receipt_email ?? null,
        payment_method_types: ['card'],
      });
      chargeIntent(account, created, { type: 'card', card: findTestCard('4242424242424242')! });
      return created;
    });
    respond(res, account, intent);
  });
  return routes;
}
