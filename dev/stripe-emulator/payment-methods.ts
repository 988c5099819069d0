// PaymentMethods: the card or wallet behind each payment, and what a Charge says about it.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import type { TestCard } from './cards';
import { sample } from './fixtures';
import { newId, randomToken } from './ids';
import { expand, parseParams } from './params';
import { respond } from './responses';

export type PaymentMethodChoice = { type: 'card'; card: TestCard } | { type: 'alipay' } | { type: 'wechat_pay' };
export type WalletType = 'alipay' | 'wechat_pay';

/** Stable per card or wallet, as Stripe's fingerprints are per card number. */
function fingerprintOf(choice: PaymentMethodChoice): string {
  const source = choice.type === 'card' ? choice.card.number : choice.type;
  return createHash('sha256').update(source).digest('base64url').replace(/[-_]/g, '').slice(0, 16);
}

const expiryYear = () => new Date().getUTCFullYear() + 3;

export function createPaymentMethod(account: Account, choice: PaymentMethodChoice, customer: string | null, email: string | null): Stripe.PaymentMethod {
  const base = sample('payment_method');
  const { card: sampleCard } = base;
  delete base.card;
  const method: Stripe.PaymentMethod = {
    ...base,
    id: newId('pm'),
    created: account.store.now(),
    customer,
    customer_account: null,
    allow_redisplay: 'unspecified',
    billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email, name: null, phone: null, tax_id: null },
    metadata: {},
    type: choice.type,
  };
  if (choice.type === 'card' && sampleCard) {
    const { card } = choice;
    method.card = {
      ...sampleCard,
      brand: card.brand,
      display_brand: card.brand,
      country: card.country,
      funding: card.funding,
      last4: card.last4,
      exp_month: 12,
      exp_year: expiryYear(),
      fingerprint: fingerprintOf(choice),
      generated_from: null,
      networks: { available: [card.brand], preferred: null },
      wallet: null,
    };
  } else if (choice.type === 'alipay') method.alipay = {};
  else if (choice.type === 'wechat_pay') method.wechat_pay = {};
  return account.store.insert(method);
}

/** What a Charge records about the payment method, as payment_method_details. */
export function paymentMethodDetails(choice: PaymentMethodChoice): Stripe.Charge.PaymentMethodDetails {
  const details = sample('charge').payment_method_details as Stripe.Charge.PaymentMethodDetails;
  if (choice.type === 'card') {
    const { card } = choice;
    return {
      type: 'card',
      card: {
        ...(details.card as Stripe.Charge.PaymentMethodDetails.Card),
        amount_authorized: null,
        brand: card.brand,
        country: card.country,
        exp_month: 12,
        exp_year: expiryYear(),
        fingerprint: fingerprintOf(choice),
        funding: card.funding,
        last4: card.last4,
        network: card.brand,
        three_d_secure: null,
        wallet: null,
      },
    };
  }
  const transaction_id = randomToken(28);
  if (choice.type === 'alipay') return { type: 'alipay', alipay: { buyer_id: `2088${randomToken(12)}`, fingerprint: fingerprintOf(choice), transaction_id } };
  return { type: 'wechat_pay', wechat_pay: { fingerprint: fingerprintOf(choice), transaction_id } };
}

export function paymentMethodRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/payment_methods/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('payment_method', req.params.id), params.expand);
  });
  return routes;
}
