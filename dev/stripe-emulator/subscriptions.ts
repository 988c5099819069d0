// Subscriptions: started by a paid Checkout Session, then updated, paused or cancelled through the API.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { currency, createPrice, recurring, refuseUnsettled } from './catalog';
import { InvalidParams, invalidRequest } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { attemptInvoicePayment, draftInvoice, finalizeInvoice } from './invoices';
import { listOf, listParams, paginate } from './lists';
import { boolean, expand, integer, mergeMetadata, metadata, nonNegativeInteger, parseParams, positiveInteger, text, unsettable } from './params';
import type { PaymentMethodChoice } from './payment-methods';
import type { PaymentOutcome } from './payments';
import { addIntervals } from './periods';
import { respond } from './responses';

function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export function subscriptionItem(subscriptionId: string, price: Stripe.Price, quantity: number, period: { start: number; end: number }, created: number): Stripe.SubscriptionItem {
  return {
    ...sample('subscription_item'),
    id: newId('si'),
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price,
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

export interface NewSubscription {
  customer: Stripe.Customer;
  items: Array<{ price: Stripe.Price; quantity: number }>;
  metadata: Stripe.Metadata;
  description: string | null;
  paymentMethod: Stripe.PaymentMethod;
  choice: PaymentMethodChoice;
  /** The PaymentIntent of earlier declined attempts in Checkout, which collects the first invoice. */
  intent?: Stripe.PaymentIntent;
}

/**
 * Creates a subscription and collects its first invoice, emitting Stripe's events in order. As at Stripe, a
 * subscription made by Checkout begins `incomplete` and is updated to `active` once its first invoice is paid.
 */
export function startSubscription(account: Account, start: NewSubscription): { subscription: Stripe.Subscription; invoice: Stripe.Invoice; outcome: PaymentOutcome } {
  const { store } = account;
  const now = store.now();
  const id = newId('sub');
  const invoiceId = newId('in');
  const first = start.items[0];
  if (!first?.price.recurring) throw new Error('a subscription needs a recurring price');
  const period = { start: now, end: addIntervals(now, first.price.recurring.interval, first.price.recurring.interval_count) };
  const subscription: Stripe.Subscription = {
    ...sample('subscription'),
    id,
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: now,
    billing_cycle_anchor_config: null,
    billing_mode: { type: 'classic', flexible: null },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: first.price.currency,
    customer: start.customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: start.paymentMethod.id,
    default_source: null,
    default_tax_rates: [],
    description: start.description,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: listOf(
      start.items.map(({ price, quantity }) => subscriptionItem(id, price, quantity, period, now)),
      `/v1/subscription_items?subscription=${id}`,
    ),
    latest_invoice: invoiceId,
    livemode: false,
    managed_payments: null,
    metadata: start.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
  store.insert(subscription);
  account.emit('customer.subscription.created', subscription);
  const invoice = draftInvoice(account, { id: invoiceId, subscription, billing_reason: 'subscription_create', period: { start: now, end: now } });
  finalizeInvoice(account, invoice, start.intent);
  const outcome = attemptInvoicePayment(account, invoice, start.choice, start.paymentMethod);
  if (outcome.status === 'succeeded') {
    const before = structuredClone(subscription);
    subscription.status = 'active';
    account.emitChange('customer.subscription.updated', subscription, before);
  }
  return { subscription, invoice, outcome };
}

export function cancelSubscriptionNow(account: Account, subscription: Stripe.Subscription, details: { comment?: string; feedback?: string } = {}, reason: Stripe.Subscription.CancellationDetails.Reason = 'cancellation_requested'): void {
  const now = account.store.now();
  Object.assign(subscription, {
    status: 'canceled',
    canceled_at: subscription.canceled_at ?? now,
    ended_at: now,
    cancellation_details: { ...subscription.cancellation_details, comment: details.comment ?? null, feedback: details.feedback ?? null, reason },
  });
  account.emit('customer.subscription.deleted', subscription);
}

const updateItem = z.strictObject({
  id: text.optional(),
  price: text.optional(),
  price_data: z.strictObject({ currency, product: text, unit_amount: nonNegativeInteger, recurring }).optional(),
  quantity: positiveInteger.optional(),
});
const updateParams = z.strictObject({
  items: z.array(updateItem).optional(),
  proration_behavior: z.enum(['always_invoice', 'create_prorations', 'none']).optional(),
  pause_collection: unsettable(z.strictObject({ behavior: z.enum(['keep_as_draft', 'mark_uncollectible', 'void']), resumes_at: integer.optional() })).optional(),
  cancel_at_period_end: boolean.optional(),
  metadata: metadata.optional(),
  description: text.optional(),
  expand,
});
const cancelParams = z.strictObject({
  cancellation_details: z.strictObject({ comment: text.optional(), feedback: text.optional() }).optional(),
  invoice_now: z.literal('false').optional(),
  prorate: z.literal('false').optional(),
  expand,
});
const listSubscriptionsParams = listParams({
  customer: text.optional(),
  price: text.optional(),
  status: z.enum(['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid']).optional(),
});

type UpdateParams = z.output<typeof updateParams>;

function changeItems(account: Account, subscription: Stripe.Subscription, params: UpdateParams): void {
  for (const [index, change] of (params.items ?? []).entries()) {
    const param = `items[${index}]`;
    const item = subscription.items.data.find((candidate) => candidate.id === change.id);
    if (!change.id) throw new InvalidParams('The Stripe emulator changes existing subscription items only; pass items[n][id].', { param: `${param}[id]` });
    if (!item) throw invalidRequest(`Invalid subscription item: ${change.id} does not belong to ${subscription.id}.`, { param: `${param}[id]` });
    if (change.price && change.price_data) throw new InvalidParams(`You may only specify one of these parameters: ${param}[price], ${param}[price_data].`, { param });
    const changesAmount = Boolean(change.price || change.price_data || (change.quantity && change.quantity !== item.quantity));
    if (changesAmount && params.proration_behavior !== 'none') {
      throw new InvalidParams('The Stripe emulator does not prorate: pass proration_behavior=none when changing a price or quantity (the new amount applies from the next renewal).', {
        param: 'proration_behavior',
      });
    }
    let price = change.price ? account.store.get('price', change.price, `${param}[price]`) : undefined;
    if (change.price_data) {
      refuseUnsettled(account, change.price_data.currency, `${param}[price_data][currency]`);
      account.store.get('product', change.price_data.product, `${param}[price_data][product]`);
      price = createPrice(account, change.price_data, true);
    }
    if (price) {
      if (!price.recurring) throw new InvalidParams('The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.', { param: `${param}[price]` });
      item.price = price;
      item.plan = planOf(price);
    }
    if (change.quantity) item.quantity = change.quantity;
  }
}

export function subscriptionRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/subscriptions', (req, res) => {
    const params = parseParams(listSubscriptionsParams, req.query);
    const subscriptions = account.store
      .all('subscription')
      .filter((subscription) => (params.customer ? subscription.customer === params.customer : true))
      .filter((subscription) => (params.price ? subscription.items.data.some((item) => item.price.id === params.price) : true))
      .filter((subscription) => {
        if (params.status === 'all') return true;
        if (params.status === 'ended') return subscription.status === 'canceled';
        return params.status ? subscription.status === params.status : subscription.status !== 'canceled';
      });
    respond(res, account, paginate(subscriptions, params, '/v1/subscriptions'), params.expand);
  });
  routes.get('/v1/subscriptions/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('subscription', req.params.id), params.expand);
  });
  routes.post('/v1/subscriptions/:id', (req, res) => {
    const params = parseParams(updateParams, req.body);
    const subscription = account.store.get('subscription', req.params.id);
    if (subscription.status === 'canceled') throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
    const before = structuredClone(subscription);
    changeItems(account, subscription, params);
    if (params.pause_collection !== undefined) {
      subscription.pause_collection = params.pause_collection ? { behavior: params.pause_collection.behavior, resumes_at: params.pause_collection.resumes_at ?? null } : null;
    }
    if (params.cancel_at_period_end !== undefined) {
      const end = subscription.items.data[0]?.current_period_end ?? null;
      Object.assign(subscription, {
        cancel_at_period_end: params.cancel_at_period_end,
        cancel_at: params.cancel_at_period_end ? end : null,
        canceled_at: params.cancel_at_period_end ? account.store.now() : null,
      });
    }
    if (params.metadata) subscription.metadata = mergeMetadata(subscription.metadata, params.metadata);
    if (params.description !== undefined) subscription.description = params.description || null;
    account.onBehalfOf(requestOf(res, req), () => account.emitChange('customer.subscription.updated', subscription, before));
    respond(res, account, subscription, params.expand);
  });
  routes.delete('/v1/subscriptions/:id', (req, res) => {
    const params = parseParams(cancelParams, req.query);
    const subscription = account.store.get('subscription', req.params.id);
    if (subscription.status === 'canceled') throw invalidRequest(`This subscription is already canceled: ${subscription.id}.`);
    account.onBehalfOf(requestOf(res, req), () => cancelSubscriptionNow(account, subscription, params.cancellation_details));
    respond(res, account, subscription, params.expand);
  });
  return routes;
}
