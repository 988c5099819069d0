// Products and Prices, whether created through the API or inline from a Checkout `price_data`.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { InvalidParams } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { boolean, expand, metadata, nonNegativeInteger, parseParams, positiveInteger, text } from './params';
import { respond } from './responses';
import { canSettle } from './settlement';

export const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO currency code')
  .transform((code) => code.toLowerCase());
export const recurring = z.strictObject({ interval: z.enum(['day', 'week', 'month', 'year']), interval_count: positiveInteger.optional() });

export interface ProductFields {
  name: string;
  description?: string;
  metadata?: Record<string, string>;
  active?: boolean;
}

export function createProduct(account: Account, fields: ProductFields, inline = false): Stripe.Product {
  const now = account.store.now();
  const product: Stripe.Product = {
    ...sample('product'),
    id: newId('prod'),
    active: fields.active ?? true,
    created: now,
    default_price: null,
    description: fields.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: fields.metadata ?? {},
    name: fields.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  account.store.insert(product);
  if (!inline) account.emit('product.created', product);
  return product;
}

export interface PriceFields {
  currency: string;
  unit_amount: number;
  product: string;
  recurring?: { interval: Stripe.Price.Recurring.Interval; interval_count?: number };
  metadata?: Record<string, string>;
  nickname?: string;
  lookup_key?: string;
}

/** The emulator settles only the currencies it has rates for; anything else is refused where it is named. */
export function refuseUnsettled(account: Account, code: string, param: string): void {
  if (!canSettle(account.settlement, code)) {
    throw new InvalidParams(`The Stripe emulator has no exchange rate for ${code}; it takes ${Object.keys(account.settlement.rates).join(', ')}.`, { param });
  }
}

/** Prices made from price_data are inline: inactive, and announced by no event, as at Stripe. */
export function createPrice(account: Account, fields: PriceFields, inline = false): Stripe.Price {
  const price: Stripe.Price = {
    ...sample('price'),
    id: newId('price'),
    active: !inline,
    billing_scheme: 'per_unit',
    created: account.store.now(),
    currency: fields.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: fields.lookup_key ?? null,
    metadata: fields.metadata ?? {},
    nickname: fields.nickname ?? null,
    product: fields.product,
    recurring: fields.recurring
      ? { interval: fields.recurring.interval, interval_count: fields.recurring.interval_count ?? 1, meter: null, trial_period_days: null, usage_type: 'licensed' }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: fields.recurring ? 'recurring' : 'one_time',
    unit_amount: fields.unit_amount,
    unit_amount_decimal: String(fields.unit_amount) as unknown as Stripe.Price['unit_amount_decimal'],
  };
  account.store.insert(price);
  if (inline) account.store.notes(price.id).inline = true;
  else account.emit('price.created', price);
  return price;
}

const productParams = z.strictObject({ name: text, description: text.optional(), metadata: metadata.optional(), active: boolean.optional(), expand });
const priceParams = z.strictObject({
  currency,
  unit_amount: nonNegativeInteger,
  product: text.optional(),
  product_data: z.strictObject({ name: text, metadata: metadata.optional() }).optional(),
  recurring: recurring.optional(),
  metadata: metadata.optional(),
  nickname: text.optional(),
  lookup_key: text.optional(),
  active: boolean.optional(),
  expand,
});
const listPricesParams = listParams({ product: text.optional(), active: boolean.optional(), currency: currency.optional(), type: z.enum(['one_time', 'recurring']).optional() });
const listProductsParams = listParams({ active: boolean.optional() });
const retrieveParams = z.strictObject({ expand });

export function catalogRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/v1/products', (req, res) => {
    const { expand: paths, ...fields } = parseParams(productParams, req.body);
    const product = account.onBehalfOf(requestOf(res, req), () => createProduct(account, fields));
    respond(res, account, product, paths);
  });
  routes.get('/v1/products', (req, res) => {
    const params = parseParams(listProductsParams, req.query);
    const products = account.store.all('product').filter((product) => params.active === undefined || product.active === params.active);
    respond(res, account, paginate(products, params, '/v1/products'), params.expand);
  });
  routes.get('/v1/products/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('product', req.params.id), params.expand);
  });
  routes.post('/v1/prices', (req, res) => {
    const { expand: paths, product, product_data, active, ...fields } = parseParams(priceParams, req.body);
    if (!product && !product_data) throw new InvalidParams('You must specify either `product` or `product_data` when creating a price.', { param: 'product' });
    refuseUnsettled(account, fields.currency, 'currency');
    if (product) account.store.get('product', product, 'product');
    const price = account.onBehalfOf(requestOf(res, req), () => {
      const productId = product ?? createProduct(account, product_data as ProductFields).id;
      const created = createPrice(account, { ...fields, product: productId });
      if (active === false) created.active = false;
      return created;
    });
    respond(res, account, price, paths);
  });
  routes.get('/v1/prices', (req, res) => {
    const params = parseParams(listPricesParams, req.query);
    // Stripe leaves inline prices (from price_data) out of this list.
    const prices = account.store
      .all('price')
      .filter((price) => !account.store.notes(price.id).inline)
      .filter((price) => (params.product ? price.product === params.product : true))
      .filter((price) => (params.active === undefined ? true : price.active === params.active))
      .filter((price) => (params.currency ? price.currency === params.currency : true))
      .filter((price) => (params.type ? price.type === params.type : true));
    respond(res, account, paginate(prices, params, '/v1/prices'), params.expand);
  });
  routes.get('/v1/prices/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('price', req.params.id), params.expand);
  });
  return routes;
}
