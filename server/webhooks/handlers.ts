// One small handler per Stripe event type we act on, registered in one table. Each says what it reads from
// Stripe (before its transaction), how it applies the event (inside it, from those reads), and, where it
// can, when the event could bring nothing new, so that neither is needed.
// A type not listed here is stored and marked processed, and nothing else happens.
import type Stripe from 'stripe';
import type { Db } from '../database';
import {
  readCharge,
  readInvoice,
  recordCharge,
  recordCheckoutSession,
  recordInvoice,
  recordPaymentIntent,
  recordUnpaidCheckout,
} from '../donations/sync/record';
import type { RecordingContext } from '../donations/sync/recording-context';
import type { StripeReads } from '../donations/sync/stripe-reads';
import { isGiftRecorded, isRefundFailureRecorded } from '../donations/sync/ledger.repository';
import { syncPlan } from '../donations/sync/plans';
import type { ChargeHistory } from '../donations/sync/ledger';
import { isUuid } from '../http/params';
import { declineAtStripe, recordCardDecline } from '../donations/card-testing';
import { idOf } from '../stripe/ids';

export interface StripeEventHandler {
  /** True when everything this event could bring is already recorded: then Stripe is not asked and nothing is written. */
  done?(event: Stripe.Event, db: Db): Promise<boolean>;
  /** Reads what `apply` will need, through `reads`, before the transaction opens. */
  read(event: Stripe.Event, reads: StripeReads): Promise<unknown>;
  /** Applies the event inside the transaction, from those reads (c.stripe). */
  apply(event: Stripe.Event, c: RecordingContext): Promise<unknown>;
}

const objectOf = <T>(event: Stripe.Event) => event.data.object as T;

const subscription: StripeEventHandler = {
  read: (event, reads) => reads.subscription(objectOf<Stripe.Subscription>(event).id),
  apply: (event, c) => syncPlan(c, objectOf<Stripe.Subscription>(event).id),
};

// Once an invoice's gift is in the ledger, what is left to say about its plan comes with the subscription's own events.
const invoice: StripeEventHandler = {
  done: (event, db) => isGiftRecorded(db, 'stripe_invoice_id', objectOf<Stripe.Invoice>(event).id!),
  read: (event, reads) => readInvoice(reads, objectOf<Stripe.Invoice>(event)),
  apply: (event, c) => recordInvoice(c, objectOf<Stripe.Invoice>(event)),
};

/** Events about a charge: its refunds, its disputes, or the charge itself. */
const charge = (chargeOf: (event: Stripe.Event) => string | null, lookUp: ChargeHistory): StripeEventHandler => ({
  read: async (event, reads) => {
    const chargeId = chargeOf(event);
    if (chargeId) await readCharge(reads, chargeId, lookUp);
  },
  apply: async (event, c) => {
    const chargeId = chargeOf(event);
    if (chargeId) await recordCharge(c, chargeId, lookUp);
  },
});

const disputedCharge = charge((event) => idOf(objectOf<Stripe.Dispute>(event).charge), 'disputes');

// Only links the session to its gift: the payment's or the invoice's own event records the money.
const checkoutCompleted: StripeEventHandler = {
  read: async () => undefined,
  apply: (event, c) => recordCheckoutSession(c, objectOf<Stripe.Checkout.Session>(event)),
};

/**
 * A payment our form did not begin may pay a subscription's invoice: then the invoice's events record it, and
 * this one only asks Stripe which invoice (the payment itself is read only for a payment begun elsewhere).
 */
const paymentSucceeded: StripeEventHandler = {
  done: (event, db) => isGiftRecorded(db, 'stripe_payment_intent_id', objectOf<Stripe.PaymentIntent>(event).id),
  read: async (event, reads) => {
    const intent = objectOf<Stripe.PaymentIntent>(event);
    if (isUuid(intent.metadata.donation_id) || !(await reads.invoiceOfPayment(intent.id))) await reads.paymentIntent(intent.id);
  },
  apply: async (event, c) => {
    const intent = objectOf<Stripe.PaymentIntent>(event);
    if (isUuid(intent.metadata.donation_id) || !(await c.stripe.invoiceOfPayment(intent.id))) await recordPaymentIntent(c, intent.id);
  },
};

const checkoutUnpaid = (outcome: 'failed' | 'expired'): StripeEventHandler => ({
  read: (event, reads) => reads.checkoutSession(objectOf<Stripe.Checkout.Session>(event).id),
  apply: (event, c) => recordUnpaidCheckout(c, objectOf<Stripe.Checkout.Session>(event).id, outcome),
});

// A card declined on the Checkout page: counted by the card-testing brake; the gift itself stays open for another card.
const cardDeclined: StripeEventHandler = {
  read: (event, reads) => declineAtStripe(reads, objectOf<Stripe.PaymentIntent>(event)),
  apply: async (event, c) => {
    const decline = await declineAtStripe(c.stripe, objectOf<Stripe.PaymentIntent>(event));
    if (decline) await recordCardDecline(c.trx, decline, event.id);
  },
};

export const stripeEventHandlers: Partial<Record<Stripe.Event.Type, StripeEventHandler>> = {
  'checkout.session.completed': checkoutCompleted,
  'checkout.session.async_payment_succeeded': checkoutCompleted,
  'checkout.session.async_payment_failed': checkoutUnpaid('failed'),
  'checkout.session.expired': checkoutUnpaid('expired'),
  'payment_intent.succeeded': paymentSucceeded,
  'payment_intent.payment_failed': cardDeclined,
  'invoice.paid': invoice,
  'invoice.payment_failed': invoice,
  'customer.subscription.created': subscription,
  'customer.subscription.updated': subscription,
  'customer.subscription.deleted': subscription,
  'charge.refunded': charge((event) => objectOf<Stripe.Charge>(event).id, 'refunds'),
  // With background capture a charge's balance transaction may arrive after the charge succeeded: this
  // brings the gift. Refunds and disputes have events of their own.
  'charge.updated': {
    ...charge((event) => objectOf<Stripe.Charge>(event).id, 'the payment'),
    done: async (event, db) => {
      const intentId = idOf(objectOf<Stripe.Charge>(event).payment_intent);
      return intentId !== null && (await isGiftRecorded(db, 'stripe_payment_intent_id', intentId));
    },
  },
  // A refund is in the ledger from the moment it is made, pending or not (charge.refunded brings it): only one
  // that failed has something new to say, the balance transaction that undid it.
  'refund.updated': {
    ...charge((event) => idOf(objectOf<Stripe.Refund>(event).charge), 'refunds'),
    done: async (event, db) => {
      const refund = objectOf<Stripe.Refund>(event);
      const intentId = idOf(refund.payment_intent);
      return refund.status !== 'failed' || (intentId !== null && (await isRefundFailureRecorded(db, intentId, refund.id)));
    },
  },
  'charge.dispute.created': disputedCharge,
  'charge.dispute.updated': disputedCharge,
  'charge.dispute.funds_withdrawn': disputedCharge,
  'charge.dispute.funds_reinstated': disputedCharge,
  'charge.dispute.closed': disputedCharge,
};
