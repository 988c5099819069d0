// The emulator's clock and what happens as it moves, like a Stripe test clock: each subscription is
// renewed once per period that ends, failed invoices are retried on schedule, Checkout Sessions expire.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { makeFundsAvailable } from './balance';
import { findTestCard } from './cards';
import { expireDueSessions } from './checkout';
import { invalidRequest } from './errors';
import { newId } from './ids';
import { attemptInvoicePayment, draftInvoice, finalizeInvoice, subscriptionOfInvoice } from './invoices';
import { integer, parseParams } from './params';
import type { PaymentMethodChoice } from './payment-methods';
import { nextPeriodEnd } from './periods';
import { cancelSubscriptionNow } from './subscriptions';

function cardOnFile(account: Account, customerId: string): PaymentMethodChoice {
  const number = account.store.notes(customerId).card ?? '4242424242424242';
  const card = findTestCard(number);
  if (!card) throw new Error(`customer ${customerId} has an unknown card on file`);
  return { type: 'card', card };
}

/** The subscription's status follows the outcome of its latest collection attempt. */
function followOutcome(account: Account, subscription: Stripe.Subscription, succeeded: boolean): void {
  const wanted = succeeded ? 'active' : 'past_due';
  if (subscription.status === wanted) return;
  const before = structuredClone(subscription);
  subscription.status = wanted;
  account.emitChange('customer.subscription.updated', subscription, before);
}

const pausedInvoiceStatus = { void: 'void', mark_uncollectible: 'uncollectible', keep_as_draft: 'draft' } as const;

function renew(account: Account, subscription: Stripe.Subscription): Stripe.Invoice | undefined {
  if (subscription.cancel_at_period_end) {
    cancelSubscriptionNow(account, subscription, { comment: subscription.cancellation_details?.comment ?? undefined }, 'cancellation_requested');
    return undefined;
  }
  const before = structuredClone(subscription);
  const first = subscription.items.data[0];
  if (!first?.price.recurring) return undefined;
  const ended = { start: first.current_period_start, end: first.current_period_end };
  const next = { start: ended.end, end: nextPeriodEnd(subscription.billing_cycle_anchor, first.price.recurring, ended.end) };
  for (const item of subscription.items.data) Object.assign(item, { current_period_start: next.start, current_period_end: next.end });
  // The new period's subscription names its invoice before the invoice is drafted, as Stripe's events show it.
  subscription.latest_invoice = newId('in');
  account.emitChange('customer.subscription.updated', subscription, before);
  const invoice = draftInvoice(account, { id: subscription.latest_invoice, subscription, billing_reason: 'subscription_cycle', period: ended });

  const paused = subscription.pause_collection?.behavior;
  if (paused) {
    // Collection is paused: Stripe still makes the invoice, then voids it, writes it off or keeps it as a draft.
    const status = pausedInvoiceStatus[paused as keyof typeof pausedInvoiceStatus] ?? 'void';
    if (status === 'draft') return invoice;
    const now = account.store.now();
    invoice.status = status;
    invoice.amount_remaining = 0;
    if (status === 'void') {
      invoice.status_transitions.voided_at = now;
      account.emit('invoice.voided', invoice);
    } else {
      invoice.status_transitions.marked_uncollectible_at = now;
      account.emit('invoice.marked_uncollectible', invoice);
    }
    return invoice;
  }
  finalizeInvoice(account, invoice);
  const outcome = attemptInvoicePayment(account, invoice, cardOnFile(account, String(subscription.customer)));
  followOutcome(account, subscription, outcome.status === 'succeeded');
  return invoice;
}

function retry(account: Account, invoice: Stripe.Invoice): void {
  const outcome = attemptInvoicePayment(account, invoice, cardOnFile(account, String(invoice.customer)));
  const subscriptionId = subscriptionOfInvoice(invoice);
  const subscription = subscriptionId ? account.store.find('subscription', subscriptionId) : undefined;
  if (subscription && subscription.latest_invoice === invoice.id && subscription.status !== 'canceled') followOutcome(account, subscription, outcome.status === 'succeeded');
}

type Due = { at: number; run: () => Stripe.Invoice | undefined };

function nextDue(account: Account, until: number): Due | undefined {
  let due: Due | undefined;
  for (const subscription of account.store.all('subscription')) {
    if (subscription.status !== 'active' && subscription.status !== 'past_due') continue;
    const end = subscription.items.data[0]?.current_period_end;
    if (end !== undefined && end <= until && (!due || end < due.at)) due = { at: end, run: () => renew(account, subscription) };
  }
  for (const invoice of account.store.all('invoice')) {
    const at = invoice.next_payment_attempt;
    if (invoice.status !== 'open' || at === null || at > until || (due && at >= due.at)) continue;
    due = {
      at,
      run: () => {
        retry(account, invoice);
        return undefined;
      },
    };
  }
  return due;
}

/** Does, in time order, everything that falls due up to `until`, each dated to its own moment; returns the invoices made. */
function doWhatFallsDue(account: Account, until: number): Stripe.Invoice[] {
  const { store } = account;
  const created: Stripe.Invoice[] = [];
  try {
    for (let due = nextDue(account, until); due; due = nextDue(account, until)) {
      store.pinClock(Math.max(due.at, store.now()));
      makeFundsAvailable(account);
      const invoice = due.run();
      if (invoice) created.push(invoice);
    }
  } finally {
    store.pinClock(undefined);
  }
  return created;
}

/** Moves the clock to `target`, doing on the way everything that falls due; returns the invoices it created. */
export function advanceClock(account: Account, target: number): Stripe.Invoice[] {
  const { store } = account;
  if (target < store.now()) throw invalidRequest(`The clock only moves forward: ${target} is before the emulator's time, ${store.now()}.`, { param: 'to' });
  const created = doWhatFallsDue(account, target);
  store.moveClockTo(target);
  catchUp(account);
  return created;
}

/** Whatever the passing of time alone has made true by now, as it would be at Stripe while `npm start` runs. */
export function catchUp(account: Account): void {
  doWhatFallsDue(account, account.store.now());
  makeFundsAvailable(account);
  expireDueSessions(account);
}

const advanceParams = z.strictObject({ seconds: integer.pipe(z.number().min(0, 'must not be negative')).optional(), to: integer.optional() });

export function clockRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/_emulator/advance_time', (req, res) => {
    const params = parseParams(advanceParams, req.body);
    if ((params.seconds === undefined) === (params.to === undefined)) throw invalidRequest('Pass exactly one of `seconds` and `to`.', { param: 'seconds' });
    const target = params.to ?? account.store.now() + (params.seconds ?? 0);
    const invoices = account.onBehalfOf({ id: null, idempotency_key: null }, () => advanceClock(account, target));
    res.json({ now: account.store.now(), invoices });
  });
  return routes;
}
