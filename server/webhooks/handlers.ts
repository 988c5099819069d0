// One small handler per Stripe event type we act on, each a function of (event, recording context).
// A type not listed here is stored and marked processed, and nothing else happens.
import type Stripe from 'stripe';
import { recordCharge, recordCheckoutSession, recordInvoice, recordPaymentIntent, recordUnpaidCheckout } from '../donations/sync/record';
import type { RecordingContext } from '../donations/sync/recording-context';
import { syncPlan } from '../donations/sync/plans';
import { declineAtStripe, recordCardDecline } from '../donations/card-testing';
import { idOf } from '../stripe/ids';

type Handler = (event: Stripe.Event, c: RecordingContext) => Promise<unknown>;

const objectOf = <T>(event: Stripe.Event) => event.data.object as T;

const onSubscription: Handler = (event, c) => syncPlan(c.trx, c.stripe, objectOf<Stripe.Subscription>(event).id, c.generalFundSlug);
// Recording the invoice syncs its plan first, once.
const onInvoice: Handler = (event, c) => recordInvoice(c, objectOf<Stripe.Invoice>(event).id!);
const onDispute: Handler = (event, c) => recordCharge(c, idOf(objectOf<Stripe.Dispute>(event).charge));
const onCardDeclined: Handler = async (event, c) => {
  const decline = await declineAtStripe(c.stripe, objectOf<Stripe.PaymentIntent>(event));
  if (decline) await recordCardDecline(c.trx, decline, event.id);
};

export const stripeEventHandlers: Partial<Record<Stripe.Event.Type, Handler>> = {
  'checkout.session.completed': (event, c) => recordCheckoutSession(c, objectOf<Stripe.Checkout.Session>(event).id),
  'checkout.session.async_payment_succeeded': (event, c) => recordCheckoutSession(c, objectOf<Stripe.Checkout.Session>(event).id),
  'checkout.session.async_payment_failed': (event, c) => recordUnpaidCheckout(c, objectOf<Stripe.Checkout.Session>(event).id, 'failed'),
  'checkout.session.expired': (event, c) => recordUnpaidCheckout(c, objectOf<Stripe.Checkout.Session>(event).id, 'expired'),
  'payment_intent.succeeded': (event, c) => recordPaymentIntent(c, objectOf<Stripe.PaymentIntent>(event).id),
  // A card declined on the Checkout page: counted by the card-testing brake; the gift itself stays open for another card.
  'payment_intent.payment_failed': onCardDeclined,
  'invoice.paid': onInvoice,
  'invoice.payment_failed': onInvoice,
  'customer.subscription.created': onSubscription,
  'customer.subscription.updated': onSubscription,
  'customer.subscription.deleted': onSubscription,
  'charge.refunded': (event, c) => recordCharge(c, objectOf<Stripe.Charge>(event).id),
  // With background capture a charge's balance transaction may arrive after the charge succeeded.
  'charge.updated': (event, c) => recordCharge(c, objectOf<Stripe.Charge>(event).id),
  'refund.updated': async (event, c) => {
    const charge = objectOf<Stripe.Refund>(event).charge;
    if (charge) await recordCharge(c, idOf(charge));
  },
  'charge.dispute.created': onDispute,
  'charge.dispute.updated': onDispute,
  'charge.dispute.funds_withdrawn': onDispute,
  'charge.dispute.funds_reinstated': onDispute,
  'charge.dispute.closed': onDispute,
};
