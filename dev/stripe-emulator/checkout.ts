// Checkout Sessions: created by the platform, paid on the emulator's hosted page (checkout-payment.ts),
// listed, expanded and expired as at Stripe.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { createPrice, createProduct, currency, recurring, refuseUnsettled } from './catalog';
import { InvalidParams, invalidRequest, missingParam } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newCheckoutSessionId, newId } from './ids';
import { listParams, pageOf, paginate } from './lists';
import { expand, integer, metadata, nonNegativeInteger, parseParams, positiveInteger, text } from './params';
import { watchFallingDue } from './falling-due';
import { respond } from './responses';

/** Stripe's Checkout locales. */
export const checkoutLocales = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hi-IN', 'hr', 'hu', 'id', 'it', 'ja', 'ko',
  'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
] as const;

const lineItem = z.strictObject({
  price: text.optional(),
  price_data: z
    .strictObject({
      currency,
      unit_amount: nonNegativeInteger,
      product: text.optional(),
      product_data: z.strictObject({ name: text, description: text.optional(), metadata: metadata.optional(), images: z.array(text).optional() }).optional(),
      recurring: recurring.optional(),
    })
    .optional(),
  quantity: positiveInteger.optional(),
});

const paymentMethodType = z.enum(['card', 'alipay', 'wechat_pay']);

const createParams = z.strictObject({
  mode: z.enum(['payment', 'subscription']).default('payment'),
  line_items: z.array(lineItem).optional(),
  submit_type: z.enum(['auto', 'book', 'donate', 'pay', 'subscribe']).optional(),
  customer: text.optional(),
  customer_email: text.optional(),
  customer_creation: z.enum(['always', 'if_required']).optional(),
  client_reference_id: text.max(200).optional(),
  metadata: metadata.optional(),
  payment_intent_data: z.strictObject({ metadata: metadata.optional(), description: text.optional(), receipt_email: text.optional() }).optional(),
  subscription_data: z.strictObject({ metadata: metadata.optional(), description: text.optional() }).optional(),
  allowed_payment_method_types: z.array(paymentMethodType).optional(),
  excluded_payment_method_types: z.array(paymentMethodType).optional(),
  payment_method_options: z
    .strictObject({ wechat_pay: z.strictObject({ client: z.enum(['android', 'ios', 'web']), app_id: text.optional() }).optional() })
    .optional(),
  success_url: text.optional(),
  cancel_url: text.optional(),
  locale: z.enum(checkoutLocales).optional(),
  expires_at: integer.optional(),
  expand,
});
type CreateParams = z.output<typeof createParams>;

function refuseBadUrl(value: string | undefined, param: string): void {
  if (value === undefined) return;
  let protocol = '';
  try {
    protocol = new URL(value.replace(/\{CHECKOUT_SESSION_ID\}/g, 'cs')).protocol;
  } catch {
    // Unparseable: refused below like any other non-http URL.
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new InvalidParams('Not a valid URL', { param });
}

/** The checks Stripe makes across parameters, before anything is created. */
function refuseInconsistent(account: Account, params: CreateParams, now: number): void {
  const { mode } = params;
  if (!params.line_items || params.line_items.length === 0) throw missingParam('line_items');
  if (params.customer && params.customer_email) throw new InvalidParams('You may only specify one of these parameters: customer, customer_email.', { param: 'customer_email' });
  if (params.customer) account.store.get('customer', params.customer, 'customer');
  if (mode === 'subscription' && params.customer_creation) throw new InvalidParams('`customer_creation` can only be used in `payment` mode.', { param: 'customer_creation' });
  if (params.customer && params.customer_creation) throw new InvalidParams('You may only specify one of these parameters: customer, customer_creation.', { param: 'customer_creation' });
  if (mode === 'subscription' && params.payment_intent_data) throw new InvalidParams('You can not pass `payment_intent_data` in `subscription` mode.', { param: 'payment_intent_data' });
  if (mode === 'payment' && params.subscription_data) throw new InvalidParams('You can not pass `subscription_data` in `payment` mode.', { param: 'subscription_data' });
  if (mode === 'subscription' && params.submit_type && !['auto', 'subscribe'].includes(params.submit_type)) {
    throw new InvalidParams('`submit_type` can only be `auto` or `subscribe` in `subscription` mode.', { param: 'submit_type' });
  }
  for (const [index, method] of (params.allowed_payment_method_types ?? []).entries()) {
    if (mode === 'subscription' && method !== 'card') {
      throw new InvalidParams(`The payment method type \`${method}\` cannot be used in \`subscription\` mode.`, { param: `allowed_payment_method_types[${index}]` });
    }
    if (method === 'wechat_pay' && !params.payment_method_options?.wechat_pay) throw missingParam('payment_method_options[wechat_pay][client]');
  }
  if (params.payment_method_options?.wechat_pay && params.payment_method_options.wechat_pay.client !== 'web') {
    throw new InvalidParams('Checkout Sessions only support `web` as the WeChat Pay client.', { param: 'payment_method_options[wechat_pay][client]' });
  }
  if (offeredMethods(params).length === 0) throw new InvalidParams('None of the payment method types this Checkout Session allows can be offered.', { param: 'allowed_payment_method_types' });
  refuseBadUrl(params.success_url, 'success_url');
  refuseBadUrl(params.cancel_url, 'cancel_url');
  if (params.expires_at !== undefined && (params.expires_at < now + 30 * 60 || params.expires_at > now + 24 * 60 * 60)) {
    throw new InvalidParams('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', { param: 'expires_at' });
  }
  for (const [index, item] of params.line_items.entries()) {
    const param = `line_items[${index}]`;
    if (Boolean(item.price) === Boolean(item.price_data)) throw new InvalidParams(`You must specify either \`price\` or \`price_data\` in ${param}.`, { param });
    if (item.quantity === undefined) throw missingParam(`${param}[quantity]`);
    if (item.price) refuseUnsettled(account, account.store.get('price', item.price, `${param}[price]`).currency, `${param}[price]`);
    const data = item.price_data;
    if (data) {
      if (Boolean(data.product) === Boolean(data.product_data)) throw new InvalidParams(`You must specify either \`product\` or \`product_data\` in ${param}[price_data].`, { param: `${param}[price_data]` });
      if (data.product) account.store.get('product', data.product, `${param}[price_data][product]`);
      refuseUnsettled(account, data.currency, `${param}[price_data][currency]`);
    }
  }
}

/**
 * What the session offers: cards, unless allowed_payment_method_types names the methods (Alipay and
 * WeChat Pay are offered only when named there), less excluded_payment_method_types. Stripe decides
 * from the account's payment method settings; the emulator keeps it explicit and predictable.
 */
function offeredMethods(params: CreateParams): string[] {
  const allowed: string[] = params.allowed_payment_method_types ?? ['card'];
  return allowed.filter((method) => !params.excluded_payment_method_types?.includes(method as never));
}

function priceOf(account: Account, item: z.output<typeof lineItem>): Stripe.Price {
  if (item.price) return account.store.get('price', item.price);
  const data = item.price_data!;
  const product = data.product ?? createProduct(account, data.product_data!, true).id;
  return createPrice(account, { currency: data.currency, unit_amount: data.unit_amount, product, recurring: data.recurring }, true);
}

function lineItemFor(account: Account, price: Stripe.Price, quantity: number): Stripe.LineItem {
  const amount = (price.unit_amount ?? 0) * quantity;
  const product = account.store.find('product', String(price.product));
  return {
    ...sample('item'),
    id: newId('li'),
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product?.name ?? null,
    metadata: {},
    price,
    quantity,
  };
}

interface RequestedItem {
  currency: string;
  amount: number;
  recurring: { interval: string; interval_count: number } | null;
}

/** What each line item asks for, read before any inline Price is stored, so a refused request leaves nothing behind. */
function requestedItem(account: Account, item: z.output<typeof lineItem>): RequestedItem {
  const quantity = item.quantity ?? 1;
  if (item.price) {
    const price = account.store.get('price', item.price);
    return { currency: price.currency, amount: (price.unit_amount ?? 0) * quantity, recurring: price.recurring };
  }
  const data = item.price_data!;
  const recurring = data.recurring ? { interval: data.recurring.interval, interval_count: data.recurring.interval_count ?? 1 } : null;
  return { currency: data.currency, amount: data.unit_amount * quantity, recurring };
}

function refuseMismatched(mode: CreateParams['mode'], items: RequestedItem[]): void {
  if (new Set(items.map((item) => item.currency)).size > 1) throw new InvalidParams('All line items must use the same currency.', { param: 'line_items' });
  const recurring = items.filter((item) => item.recurring);
  if (mode === 'payment' && recurring.length > 0) {
    throw new InvalidParams('You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.', { param: 'line_items' });
  }
  if (mode === 'subscription' && recurring.length === 0) {
    throw new InvalidParams('You must provide at least one recurring price in `subscription` mode when using prices.', { param: 'line_items' });
  }
  if (new Set(recurring.map((item) => `${item.recurring?.interval}/${item.recurring?.interval_count}`)).size > 1) {
    throw new InvalidParams('All recurring prices must have the same billing interval.', { param: 'line_items' });
  }
  if (items.reduce((sum, item) => sum + item.amount, 0) <= 0) throw new InvalidParams("The Checkout Session's total amount due must be greater than zero.", { param: 'line_items' });
}

export function createCheckoutSession(account: Account, params: CreateParams): Stripe.Checkout.Session {
  const { store } = account;
  const now = store.now();
  refuseInconsistent(account, params, now);
  const lines = params.line_items ?? [];
  refuseMismatched(params.mode, lines.map((item) => requestedItem(account, item)));
  const items = lines.map((item) => lineItemFor(account, priceOf(account, item), item.quantity ?? 1));
  const total = items.reduce((sum, item) => sum + item.amount_total, 0);
  const id = newCheckoutSessionId();
  const methods = offeredMethods(params);
  const session: Stripe.Checkout.Session = {
    ...sample('checkout.session'),
    id,
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: params.allowed_payment_method_types ?? null,
    ...(params.excluded_payment_method_types ? { excluded_payment_method_types: params.excluded_payment_method_types } : {}),
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: items[0]?.currency ?? null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer ?? null,
    customer_account: null,
    customer_creation: params.mode === 'payment' && !params.customer ? (params.customer_creation ?? 'if_required') : null,
    customer_details: null,
    customer_email: params.customer_email ?? null,
    discounts: [],
    expires_at: params.expires_at ?? now + 24 * 60 * 60,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      params.mode === 'payment'
        ? { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } }
        : null,
    livemode: false,
    locale: params.locale ?? null,
    managed_payments: null,
    metadata: params.metadata ?? {},
    mode: params.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: params.mode === 'subscription' ? 'always' : null,
    payment_method_configuration_details: null,
    payment_method_options: methods.includes('wechat_pay') ? { wechat_pay: { app_id: params.payment_method_options?.wechat_pay?.app_id ?? null, client: 'web' } } : {},
    payment_method_types: methods,
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: params.submit_type ?? null,
    subscription: null,
    success_url: params.success_url ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: `${account.url}/pay/${id}`,
    wallet_options: null,
  };
  store.insert(session);
  const notes = store.notes(id);
  notes.lineItems = items;
  if (params.payment_intent_data) notes.paymentIntentData = params.payment_intent_data;
  if (params.subscription_data) notes.subscriptionData = params.subscription_data;
  return session;
}

export function expireSession(account: Account, session: Stripe.Checkout.Session): void {
  session.status = 'expired';
  session.url = null;
  account.emit('checkout.session.expired', session);
}

const openSessions = watchFallingDue('checkout.session', (session) => (session.status === 'open' ? session.expires_at : undefined));

export function expireDueSessions(account: Account): void {
  openSessions(account.store, account.store.now(), (session) => expireSession(account, session));
}

const listSessionsParams = listParams({
  payment_intent: text.optional(),
  subscription: text.optional(),
  customer: text.optional(),
  status: z.enum(['complete', 'expired', 'open']).optional(),
});
const retrieveParams = z.strictObject({ expand });

export function checkoutRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/v1/checkout/sessions', (req, res) => {
    if (req.body && 'payment_method_types' in req.body) {
      // Gone from Checkout in this API version; Stripe names the parameter that replaced it.
      throw new InvalidParams('Received unknown parameter: payment_method_types. Did you mean allowed_payment_method_types?', { param: 'payment_method_types' });
    }
    const params = parseParams(createParams, req.body);
    const session = account.onBehalfOf(requestOf(res, req), () => createCheckoutSession(account, params));
    respond(res, account, session, params.expand);
  });
  routes.get('/v1/checkout/sessions', (req, res) => {
    const params = parseParams(listSessionsParams, req.query);
    const sessions = account.store
      .all('checkout.session')
      .filter((session) => (params.payment_intent ? session.payment_intent === params.payment_intent : true))
      .filter((session) => (params.subscription ? session.subscription === params.subscription : true))
      .filter((session) => (params.customer ? session.customer === params.customer : true))
      .filter((session) => (params.status ? session.status === params.status : true));
    respond(res, account, paginate(sessions, params, '/v1/checkout/sessions'), params.expand);
  });
  routes.get('/v1/checkout/sessions/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('checkout.session', req.params.id), params.expand);
  });
  routes.get('/v1/checkout/sessions/:id/line_items', (req, res) => {
    const params = parseParams(listParams({}), req.query);
    const session = account.store.get('checkout.session', req.params.id);
    const items = account.store.notes(session.id).lineItems ?? [];
    // Line items are listed in the order they were given, not newest first.
    respond(res, account, pageOf(items, params, `/v1/checkout/sessions/${session.id}/line_items`), params.expand);
  });
  routes.post('/v1/checkout/sessions/:id/expire', (req, res) => {
    const params = parseParams(retrieveParams, req.body);
    const session = account.store.get('checkout.session', req.params.id);
    if (session.status !== 'open') throw invalidRequest(`Only Checkout Sessions with a status of \`open\` can be expired; ${session.id} is \`${session.status}\`.`);
    account.onBehalfOf(requestOf(res, req), () => expireSession(account, session));
    respond(res, account, session, params.expand);
  });
  return routes;
}
