// Customers, and the card on file that their renewals charge.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { findTestCard, useATestCard, type TestCard } from './cards';
import { InvalidParams, noSuch } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { expand, mergeMetadata, metadata, parseParams, text } from './params';
import { createPaymentMethod } from './payment-methods';
import { respond } from './responses';
import { cancelSubscriptionNow } from './subscriptions';

export interface CustomerFields {
  email?: string | null;
  name?: string | null;
  description?: string | null;
  phone?: string | null;
  metadata?: Record<string, string>;
  preferred_locales?: string[];
}

export function createCustomer(account: Account, fields: CustomerFields): Stripe.Customer {
  const customer: Stripe.Customer = {
    ...sample('customer'),
    id: newId('cus'),
    created: account.store.now(),
    address: null,
    balance: 0,
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: fields.phone ?? null,
    preferred_locales: fields.preferred_locales ?? [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  account.store.insert(customer);
  account.emit('customer.created', customer);
  return customer;
}

/** The card that renewals charge from now on, as when a donor updates it in the billing portal. */
export function setCardOnFile(account: Account, customer: Stripe.Customer, card: TestCard): Stripe.PaymentMethod {
  const method = createPaymentMethod(account, { type: 'card', card }, customer.id, customer.email);
  account.store.notes(customer.id).card = card.number;
  account.emit('payment_method.attached', method);
  const before = structuredClone(customer);
  customer.invoice_settings.default_payment_method = method.id;
  account.emitChange('customer.updated', customer, before);
  for (const subscription of account.store.all('subscription')) {
    if (subscription.customer !== customer.id || subscription.status === 'canceled') continue;
    const previous = structuredClone(subscription);
    subscription.default_payment_method = method.id;
    account.emitChange('customer.subscription.updated', subscription, previous);
  }
  return method;
}

/**
 * Deletes the customer as Stripe does: its subscriptions are canceled at once, customer.deleted carries the
 * customer as it was, and from then on a retrieve answers with the stub `{id, object, deleted: true}`.
 */
export function deleteCustomer(account: Account, customer: Stripe.Customer): Stripe.DeletedCustomer {
  for (const subscription of account.store.all('subscription')) {
    if (subscription.customer === customer.id && subscription.status !== 'canceled' && subscription.status !== 'incomplete_expired') cancelSubscriptionNow(account, subscription);
  }
  account.emit('customer.deleted', customer);
  return account.store.markDeleted(customer.id);
}

export function testCardOrRefuse(typed: string, param = 'card_number'): TestCard {
  const card = findTestCard(typed);
  if (!card) throw new InvalidParams(useATestCard, { param, code: 'invalid_number' });
  return card;
}

const customerFields = {
  email: text.optional(),
  name: text.optional(),
  description: text.optional(),
  phone: text.optional(),
  metadata: metadata.optional(),
  preferred_locales: z.array(text).optional(),
  expand,
};
const customerParams = z.strictObject(customerFields);
const listCustomersParams = listParams({ email: text.optional() });

export function customerRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/v1/customers', (req, res) => {
    const params = parseParams(customerParams, req.body);
    const customer = account.onBehalfOf(requestOf(res, req), () => createCustomer(account, params));
    respond(res, account, customer, params.expand);
  });
  routes.get('/v1/customers', (req, res) => {
    const params = parseParams(listCustomersParams, req.query);
    const customers = account.store.all('customer').filter((customer) => params.email === undefined || customer.email === params.email);
    respond(res, account, paginate(customers, params, '/v1/customers'), params.expand);
  });
  routes.get('/v1/customers/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    // A deleted customer is still found, as its stub.
    const customer = account.store.findAny(req.params.id);
    if (!customer || customer.object !== 'customer') throw noSuch('customer', req.params.id);
    respond(res, account, customer, params.expand);
  });
  routes.delete('/v1/customers/:id', (req, res) => {
    parseParams(z.strictObject({}), req.query);
    const customer = account.store.get('customer', req.params.id);
    const deleted = account.onBehalfOf(requestOf(res, req), () => deleteCustomer(account, customer));
    respond(res, account, deleted);
  });
  routes.post('/v1/customers/:id', (req, res) => {
    const params = parseParams(customerParams, req.body);
    const customer = account.store.get('customer', req.params.id);
    account.onBehalfOf(requestOf(res, req), () => {
      const before = structuredClone(customer);
      // Stripe takes an empty string as "clear this field".
      const cleared = (value: string | undefined, current: string | null | undefined) => (value === undefined ? (current ?? null) : value || null);
      customer.email = cleared(params.email, customer.email);
      customer.name = cleared(params.name, customer.name);
      customer.description = cleared(params.description, customer.description);
      customer.phone = cleared(params.phone, customer.phone);
      if (params.preferred_locales) customer.preferred_locales = params.preferred_locales;
      if (params.metadata) customer.metadata = mergeMetadata(customer.metadata, params.metadata);
      account.emitChange('customer.updated', customer, before);
    });
    respond(res, account, customer, params.expand);
  });

  routes.post('/_emulator/customers/:id/card', (req, res) => {
    const params = parseParams(z.strictObject({ card_number: text }), req.body);
    const customer = account.store.get('customer', req.params.id);
    const card = testCardOrRefuse(params.card_number);
    account.onBehalfOf(requestOf(res, req), () => setCardOnFile(account, customer, card));
    respond(res, account, customer);
  });
  return routes;
}
