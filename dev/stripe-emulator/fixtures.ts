// Stripe's own sample objects (fixtures.json, MIT: see FIXTURES-LICENSE) are the starting shape of
// every object the emulator makes, so a field we never set still has Stripe's type and place.
import type Stripe from 'stripe';
import fixtures from './fixtures.json';

interface Samples {
  balance_transaction: Stripe.BalanceTransaction;
  'billing_portal.session': Stripe.BillingPortal.Session;
  charge: Stripe.Charge;
  'checkout.session': Stripe.Checkout.Session;
  customer: Stripe.Customer;
  dispute: Stripe.Dispute;
  invoice: Stripe.Invoice;
  invoice_payment: Stripe.InvoicePayment;
  /** A Checkout Session's line item. */
  item: Stripe.LineItem;
  /** An invoice's line item. */
  line_item: Stripe.InvoiceLineItem;
  payment_intent: Stripe.PaymentIntent;
  payment_method: Stripe.PaymentMethod;
  payout: Stripe.Payout;
  price: Stripe.Price;
  product: Stripe.Product;
  refund: Stripe.Refund;
  subscription: Stripe.Subscription;
  subscription_item: Stripe.SubscriptionItem;
}

const samples = fixtures.resources as unknown as Samples;

/** Fields the samples still carry that API version 2026-10-28.endive dropped (an invoice names its subscription under parent). */
const dropped: Partial<Record<keyof Samples, string[]>> = { invoice: ['subscription'] };

/** A fresh copy of Stripe's sample, for the caller to overwrite every field that matters. */
export function sample<K extends keyof Samples>(name: K): Samples[K] {
  const copy = structuredClone(samples[name]) as Samples[K] & Record<string, unknown>;
  for (const field of dropped[name] ?? []) delete copy[field];
  return copy;
}
