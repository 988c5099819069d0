// Invoices of subscriptions, from draft to paid (or open after a failed attempt), with the
// InvoicePayment that ties each one to its PaymentIntent.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import { formatMoney } from '../../server/money';
import type { Account } from './account';
import { sample } from './fixtures';
import { newId } from './ids';
import { listOf, listParams, paginate } from './lists';
import { expand, parseParams, text } from './params';
import { chargeIntent, createPaymentIntent, type PaymentOutcome } from './payments';
import type { PaymentMethodChoice } from './payment-methods';
import { respond } from './responses';

/** Days from a failed attempt to the next one, as Stripe's retry schedule spaces them; then no more. */
export const retryAfterDays = [3, 5, 7];

function lineDescription(account: Account, item: Stripe.SubscriptionItem): string {
  const { price } = item;
  const product = account.store.find('product', String(price.product));
  const each = formatMoney({ amount: price.unit_amount ?? 0, currency: price.currency.toUpperCase() }, 'en');
  return `${item.quantity ?? 1} × ${product?.name ?? 'Subscription'} (at ${each} / ${price.recurring?.interval ?? 'month'})`;
}

function invoiceLine(account: Account, invoiceId: string, subscription: Stripe.Subscription, item: Stripe.SubscriptionItem): Stripe.InvoiceLineItem {
  const quantity = item.quantity ?? 1;
  const amount = (item.price.unit_amount ?? 0) * quantity;
  return {
    ...sample('line_item'),
    id: newId('il'),
    amount,
    currency: item.price.currency,
    description: lineDescription(account, item),
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: { ...subscription.metadata },
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: { invoice_item: null, proration: false, proration_details: { credited_items: null }, subscription: subscription.id, subscription_item: item.id },
    },
    period: { start: item.current_period_start, end: item.current_period_end },
    pretax_credit_amounts: [],
    pricing: { type: 'price_details', price_details: { price: item.price.id, product: String(item.price.product) }, unit_amount_decimal: String(item.price.unit_amount) as never },
    quantity,
    quantity_decimal: String(quantity) as never,
    subscription: subscription.id,
    subtotal: amount,
    taxes: [],
  };
}

export interface DraftInvoice {
  id?: string;
  subscription: Stripe.Subscription;
  billing_reason: 'subscription_create' | 'subscription_cycle';
  /** Stripe dates a subscription invoice by the period before the one its lines bill. */
  period: { start: number; end: number };
}

export function draftInvoice(account: Account, draft: DraftInvoice): Stripe.Invoice {
  const { store } = account;
  const { subscription } = draft;
  const customer = store.get('customer', String(subscription.customer));
  const id = draft.id ?? newId('in');
  const lines = subscription.items.data.map((item) => invoiceLine(account, id, subscription, item));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const invoice: Stripe.Invoice = {
    ...sample('invoice'),
    id,
    account_country: 'HK',
    account_name: null,
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: draft.billing_reason,
    collection_method: 'charge_automatically',
    created: store.now(),
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: listOf(lines, `/v1/invoices/${id}/lines`),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id } },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: draft.period.end,
    period_start: draft.period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  store.insert(invoice);
  account.emit('invoice.created', invoice);
  return invoice;
}

/** Numbers the invoice and opens it, with the PaymentIntent that will collect it (`intent` when one exists). */
export function finalizeInvoice(account: Account, invoice: Stripe.Invoice, intent?: Stripe.PaymentIntent): Stripe.Invoice {
  const { store } = account;
  const customer = store.get('customer', String(invoice.customer));
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  const now = store.now();
  const fields = {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: customer.id,
    description: invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
    metadata: {},
    receipt_email: null,
    payment_method_types: ['card'],
  };
  const paymentIntent = intent ? Object.assign(intent, fields) : createPaymentIntent(account, fields);
  const payment: Stripe.InvoicePayment = {
    ...sample('invoice_payment'),
    id: newId('inpay'),
    amount_paid: null,
    amount_requested: invoice.amount_due,
    created: now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: paymentIntent.id },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
  store.insert(payment);
  Object.assign(invoice, {
    status: 'open',
    number: `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`,
    effective_at: now,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
  });
  account.emit('invoice.finalized', invoice);
  return invoice;
}

function paymentOf(account: Account, invoice: Stripe.Invoice): Stripe.InvoicePayment {
  const payment = account.store.all('invoice_payment').find((candidate) => candidate.invoice === invoice.id && candidate.is_default);
  if (!payment) throw new Error(`invoice ${invoice.id} has no payment`);
  return payment;
}

/** One attempt to collect an open invoice with the given card or wallet. */
export function attemptInvoicePayment(account: Account, invoice: Stripe.Invoice, choice: PaymentMethodChoice, method?: Stripe.PaymentMethod): PaymentOutcome {
  const { store } = account;
  const payment = paymentOf(account, invoice);
  const intent = store.get('payment_intent', String(payment.payment.payment_intent));
  const outcome = chargeIntent(account, intent, choice, method);
  const now = store.now();
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (outcome.status === 'succeeded') {
    Object.assign(payment, { status: 'paid', amount_paid: invoice.amount_due, status_transitions: { canceled_at: null, paid_at: now } });
    Object.assign(invoice, {
      status: 'paid',
      amount_paid: invoice.amount_due,
      amount_remaining: 0,
      next_payment_attempt: null,
      status_transitions: { ...invoice.status_transitions, paid_at: now },
    });
    account.emit('invoice.paid', invoice);
    account.emit('invoice.payment_succeeded', invoice);
  } else {
    const wait = retryAfterDays[invoice.attempt_count - 1];
    invoice.next_payment_attempt = wait === undefined ? null : now + wait * 24 * 60 * 60;
    account.emit('invoice.payment_failed', invoice);
  }
  return outcome;
}

const listInvoicesParams = listParams({
  customer: text.optional(),
  subscription: text.optional(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
  collection_method: z.enum(['charge_automatically', 'send_invoice']).optional(),
});
const listPaymentsParams = listParams({
  invoice: text.optional(),
  status: z.enum(['canceled', 'open', 'paid']).optional(),
  payment: z.strictObject({ type: z.enum(['payment_intent']), payment_intent: text.optional() }).optional(),
});
const retrieveParams = z.strictObject({ expand });

export function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const subscription = invoice.parent?.subscription_details?.subscription;
  return subscription ? String(subscription) : null;
}

export function invoiceRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/invoices', (req, res) => {
    const params = parseParams(listInvoicesParams, req.query);
    const invoices = account.store
      .all('invoice')
      .filter((invoice) => (params.customer ? invoice.customer === params.customer : true))
      .filter((invoice) => (params.subscription ? subscriptionOfInvoice(invoice) === params.subscription : true))
      .filter((invoice) => (params.status ? invoice.status === params.status : true));
    respond(res, account, paginate(invoices, params, '/v1/invoices'), params.expand);
  });
  routes.get('/v1/invoices/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('invoice', req.params.id), params.expand);
  });
  routes.get('/v1/invoice_payments', (req, res) => {
    const params = parseParams(listPaymentsParams, req.query);
    const payments = account.store
      .all('invoice_payment')
      .filter((payment) => (params.invoice ? payment.invoice === params.invoice : true))
      .filter((payment) => (params.status ? payment.status === params.status : true))
      .filter((payment) => (params.payment?.payment_intent ? payment.payment.payment_intent === params.payment.payment_intent : true));
    respond(res, account, paginate(payments, params, '/v1/invoice_payments'), params.expand);
  });
  routes.get('/v1/invoice_payments/:id', (req, res) => {
    const params = parseParams(retrieveParams, req.query);
    respond(res, account, account.store.get('invoice_payment', req.params.id), params.expand);
  });
  return routes;
}
