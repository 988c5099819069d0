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

/** A fresh copy of Stripe's sample, for the caller to overwrite every field that matters. */
export function sample<K extends keyof Samples>(name: K): Samples[K] {
  return structuredClone(samples[name]);
}
