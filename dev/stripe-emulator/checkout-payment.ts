// Paying a Checkout Session, exactly as the hosted page does it: the objects and events of a one-off
// gift or of a subscription's first payment, a declined card, or a wallet that settles a moment later.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { expireDueSessions } from './checkout';
import { createCustomer, testCardOrRefuse } from './customers';
import { InvalidParams, invalidRequest, missingParam } from './errors';
import { parseParams, text } from './params';
import { createPaymentMethod, type PaymentMethodChoice } from './payment-methods';
import { chargeIntent, createPaymentIntent, startProcessing } from './payments';
import { respond } from './responses';
import { startSubscription } from './subscriptions';

/** How long Alipay and WeChat Pay take to confirm a payment the donor approved. */
export const walletSettlesAfterMs = 300;

export type CheckoutPaymentResult = { status: 'succeeded' } | { status: 'declined'; message: string } | { status: 'processing' };

/** The PaymentIntent of this session's attempts: made at the first one, reused after a decline, as at Stripe. */
function attemptIntent(account: Account, session: Stripe.Checkout.Session, customer: string | null): Stripe.PaymentIntent {
  const { store } = account;
  const notes = store.notes(session.id);
  const existing = notes.paymentIntent ? store.find('payment_intent', notes.paymentIntent) : undefined;
  if (existing) {
    existing.customer = customer ?? existing.customer;
    return existing;
  }
  const data = notes.paymentIntentData ?? {};
  const intent = createPaymentIntent(account, {
    amount: session.amount_total ?? 0,
    currency: session.currency ?? account.settlement.currency,
    customer,
    description: session.mode === 'subscription' ? 'Subscription creation' : (data.description ?? null),
    metadata: data.metadata ?? {},
    receipt_email: data.receipt_email ?? null,
    payment_method_types: session.payment_method_types,
  });
  notes.paymentIntent = intent.id;
  return intent;
}

function customerFor(account: Account, session: Stripe.Checkout.Session, create: boolean): Stripe.Customer | null {
  if (session.customer) return account.store.get('customer', String(session.customer));
  return create ? createCustomer(account, { email: session.customer_email }) : null;
}

function complete(account: Account, session: Stripe.Checkout.Session, customer: Stripe.Customer | null, fields: Partial<Stripe.Checkout.Session>): void {
  Object.assign(session, {
    status: 'complete',
    url: null,
    customer: customer?.id ?? null,
    customer_details: {
      address: null,
      business_name: null,
      email: session.customer_email ?? customer?.email ?? null,
      individual_name: null,
      name: customer?.name ?? null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    ...fields,
  });
  account.emit('checkout.session.completed', session);
}

/** The card or wallet as a PaymentMethod, with the email the donor gave Checkout. */
function methodFor(account: Account, session: Stripe.Checkout.Session, choice: PaymentMethodChoice, customer: Stripe.Customer | null): Stripe.PaymentMethod {
  return createPaymentMethod(account, choice, customer?.id ?? null, session.customer_email ?? customer?.email ?? null);
}

function declined(account: Account, session: Stripe.Checkout.Session, choice: PaymentMethodChoice): CheckoutPaymentResult | undefined {
  if (choice.type !== 'card' || !choice.card.decline) return undefined;
  const customer = session.customer ? account.store.get('customer', String(session.customer)) : null;
  const intent = attemptIntent(account, session, customer?.id ?? null);
  chargeIntent(account, intent, choice, methodFor(account, session, choice, customer));
  return { status: 'declined', message: choice.card.decline.message };
}

function payOnce(account: Account, session: Stripe.Checkout.Session, choice: PaymentMethodChoice): CheckoutPaymentResult {
  const refused = declined(account, session, choice);
  if (refused) return refused;
  const customer = customerFor(account, session, session.customer_creation === 'always');
  const intent = attemptIntent(account, session, customer?.id ?? null);
  if (choice.type === 'card') {
    chargeIntent(account, intent, choice, methodFor(account, session, choice, customer));
    complete(account, session, customer, { payment_intent: intent.id, payment_status: 'paid' });
    return { status: 'succeeded' };
  }
  const method = startProcessing(account, intent, methodFor(account, session, choice, customer));
  complete(account, session, customer, { payment_intent: intent.id, payment_status: 'unpaid' });
  account.later(walletSettlesAfterMs, () => {
    chargeIntent(account, intent, choice, method);
    session.payment_status = 'paid';
    account.emit('checkout.session.async_payment_succeeded', session);
  });
  return { status: 'processing' };
}

function paySubscription(account: Account, session: Stripe.Checkout.Session, choice: PaymentMethodChoice): CheckoutPaymentResult {
  const refused = declined(account, session, choice);
  if (refused) return refused;
  if (choice.type !== 'card') throw invalidRequest('Subscriptions are paid by card.');
  const { store } = account;
  const customer = customerFor(account, session, true) as Stripe.Customer;
  store.notes(customer.id).card = choice.card.number;
  const paymentMethod = methodFor(account, session, choice, customer);
  const earlier = store.notes(session.id).paymentIntent;
  const data = store.notes(session.id).subscriptionData ?? {};
  const { subscription, invoice } = startSubscription(account, {
    customer,
    items: (store.notes(session.id).lineItems ?? []).map((item) => ({ price: item.price as Stripe.Price, quantity: item.quantity ?? 1 })),
    metadata: data.metadata ?? {},
    description: data.description ?? null,
    paymentMethod,
    choice,
    intent: earlier ? store.find('payment_intent', earlier) : undefined,
  });
  complete(account, session, customer, { subscription: subscription.id, invoice: invoice.id, payment_status: 'paid' });
  return { status: 'succeeded' };
}

export function payCheckoutSession(account: Account, session: Stripe.Checkout.Session, choice: PaymentMethodChoice): CheckoutPaymentResult {
  expireDueSessions(account);
  if (session.status !== 'open') throw invalidRequest(`This Checkout Session is ${session.status === 'complete' ? 'already paid' : 'expired'}.`, { code: 'checkout_session_not_open' });
  if (!session.payment_method_types.includes(choice.type)) {
    throw new InvalidParams(`This Checkout Session does not accept ${choice.type}; it accepts ${session.payment_method_types.join(', ')}.`, { param: 'payment_method' });
  }
  return session.mode === 'subscription' ? paySubscription(account, session, choice) : payOnce(account, session, choice);
}

/** A card number or a wallet, as the hosted page's form or the helper endpoint names it. */
export function choiceOf(input: { card_number?: string; payment_method?: string }): PaymentMethodChoice {
  if (input.payment_method === 'alipay' || input.payment_method === 'wechat_pay') return { type: input.payment_method };
  if (input.card_number === undefined) throw missingParam('card_number');
  return { type: 'card', card: testCardOrRefuse(input.card_number) };
}

const payParams = z.strictObject({ card_number: text.optional(), payment_method: z.enum(['card', 'alipay', 'wechat_pay']).optional() });

export function checkoutPaymentRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/_emulator/checkout/sessions/:id/pay', (req, res) => {
    const params = parseParams(payParams, req.body);
    const session = account.store.get('checkout.session', req.params.id);
    const choice = choiceOf(params);
    // The hosted page is not an API call, so its events carry no request, as Checkout's do.
    const result = account.onBehalfOf({ id: null, idempotency_key: null }, () => payCheckoutSession(account, session, choice));
    respond(res, account, { status: result.status, session });
  });
  return routes;
}
