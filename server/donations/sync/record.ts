// Turns what Stripe says into donations and ledger rows. Every function here re-reads Stripe's current
// state and may run any number of times, in any order: a repeat changes nothing.
import type Stripe from 'stripe';
import type { Donation } from '../../tables/donations.table';
import type { RecurringPlan } from '../../tables/recurring-plans.table';
import { oneLine } from '../../http/text';
import { oweEmail } from '../../outbox/outbox.repository';
import {
  attachCheckoutSessionIfNone,
  attachInvoice,
  attachPaymentIntent,
  creditDonation,
  closePendingDonation,
  insertDonationUnlessKnown,
  lockDonation,
  lockFirstDonationOfPlan,
} from '../donation.repository';
import { cancelIncompletePlan } from '../plan.repository';
import { creditForOurPayment, creditForPayment, creditForRenewal } from '../plan-moves';
import { syncCharge } from './ledger';
import { campaignForPayment, donorForCustomer, linkStripeCustomer } from './payers';
import { planForSubscription, syncPlan } from './plans';
import type { RecordingContext } from './recording-context';
import { idOf } from '../../stripe/ids';
import { isUuid } from '../../http/params';

/** Our donation for a subscription's invoice: the pending first gift of its plan, or a new renewal. Locked. */
async function donationForInvoice(c: RecordingContext, invoice: Stripe.Invoice, plan: RecurringPlan): Promise<Donation> {
  const known = await lockDonation(c.trx, 'stripe_invoice_id', invoice.id!);
  if (known) return known;
  const first = await lockFirstDonationOfPlan(c.trx, plan.id);
  if (first && first.stripe_invoice_id === null && invoice.billing_reason === 'subscription_create') {
    await attachInvoice(c.trx, first.id, invoice.id!);
    // Begun on the round's page before it closed, paid (the invoice made) after: the gift follows the mission.
    const credit = await creditForRenewal(c, plan, new Date(invoice.created * 1000));
    if (credit.campaign_id !== first.campaign_id) await creditDonation(c.trx, first.id, credit);
    return { ...first, ...credit, stripe_invoice_id: invoice.id! };
  }
  // A renewal belongs to the round its gift went to when Stripe made the invoice, if that round still took
  // gifts then; one made after the round closed goes where the gift points now (server/donations/plan-moves.ts).
  const credit = await creditForRenewal(c, plan, new Date(invoice.created * 1000));
  await insertDonationUnlessKnown(
    c.trx,
    {
      ...credit,
      donor_id: plan.donor_id,
      recurring_plan_id: plan.id,
      frequency: plan.interval,
      amount: invoice.amount_due > 0 ? invoice.amount_due : plan.amount,
      currency: invoice.currency.toUpperCase(),
      origin: 'subscription',
      // A renewal is shown as the first gift was: under the same name, or anonymously; its message is not repeated.
      donor_name: first?.donor_name ?? null,
      // And made out as the first gift's receipt was: to the same organisation, with its contact and registration.
      donor_type: first?.donor_type ?? 'person',
      donor_contact_name: first?.donor_contact_name ?? null,
      donor_business_registration: first?.donor_business_registration ?? null,
      anonymous: first?.anonymous ?? true,
      dedication_kind: first?.dedication_kind ?? null,
      dedication_name: first?.dedication_name ?? null,
      locale: first?.locale ?? 'en',
      stripe_invoice_id: invoice.id!,
    },
    'stripe_invoice_id',
  );
  return (await lockDonation(c.trx, 'stripe_invoice_id', invoice.id!))!;
}

/**
 * A recurring gift's payment (the first one included): its plan, synced from Stripe here and nowhere
 * else on the way, then the invoice, its payment and its charge. Reached from a payment rather than
 * the invoice's own event, the plan is taken as stored: the invoice's event syncs it.
 */
export async function recordInvoice(c: RecordingContext, invoiceId: string, plan: 'sync' | 'as stored' = 'sync'): Promise<Donation | undefined> {
  const invoice = await c.stripe.invoices.retrieve(invoiceId);
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscriptionId) return undefined;
  // The plan first: recording the gift numbers its receipt, and that counter lock should be taken last.
  const known = plan === 'sync' ? await syncPlan(c.trx, c.stripe, subscriptionId, c.generalFundSlug) : await planForSubscription(c.trx, c.stripe, subscriptionId, c.generalFundSlug);
  const donation = await donationForInvoice(c, invoice, known);
  const payments = await c.stripe.invoicePayments.list({ invoice: invoiceId, limit: 10, expand: ['data.payment.payment_intent'] });
  const paid = payments.data.find((p) => p.status === 'paid') ?? payments.data[0];
  const intent = paid?.payment.payment_intent as Stripe.PaymentIntent | undefined;
  if (intent && !donation.stripe_payment_intent_id) await attachPaymentIntent(c.trx, donation.id, intent.id);
  const chargeId = idOf(intent?.latest_charge);
  if (chargeId) await syncCharge(c, donation, chargeId, 'the payment');
  if (invoice.status === 'open' && invoice.attempt_count > 0 && !chargeIdSucceeded(intent)) {
    await closePendingDonation(c.trx, donation.id, 'failed');
    if (donation.donor_id) await oweEmail(c.trx, 'payment_failed', `payment-failed-${invoice.id}-${invoice.attempt_count}`, { donationId: donation.id });
  }
  return donation;
}

const chargeIdSucceeded = (intent: Stripe.PaymentIntent | undefined) => intent?.status === 'succeeded';

/** Paid when Stripe made the charge (or, before one, the payment): a round closed by then gets nothing. */
const paidAtOf = (intent: Stripe.PaymentIntent) => new Date(((typeof intent.latest_charge === 'object' ? intent.latest_charge?.created : undefined) ?? intent.created) * 1000);

/** The donation a PaymentIntent pays for: ours by id or metadata, a subscription's, or a new one for a payment begun elsewhere. */
async function donationForPaymentIntent(c: RecordingContext, intent: Stripe.PaymentIntent): Promise<{ donation: Donation; viaInvoice: boolean } | undefined> {
  const known = await lockDonation(c.trx, 'stripe_payment_intent_id', intent.id);
  if (known) return { donation: known, viaInvoice: false };

  const ours = isUuid(intent.metadata.donation_id) ? await lockDonation(c.trx, 'id', intent.metadata.donation_id) : undefined;
  if (ours) {
    await attachPaymentIntent(c.trx, ours.id, intent.id);
    if (ours.donor_id) await linkStripeCustomer(c.trx, ours.donor_id, intent.customer);
    // Begun on the form before the round closed, paid after (Checkout keeps a session open for a day).
    const credit = ours.status === 'pending' ? await creditForOurPayment(c, ours.campaign_id, paidAtOf(intent)) : undefined;
    if (credit && credit.campaign_id !== ours.campaign_id) await creditDonation(c.trx, ours.id, credit);
    return { donation: { ...ours, ...(credit ?? {}), stripe_payment_intent_id: intent.id }, viaInvoice: false };
  }

  const invoicePayment = await c.stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: intent.id }, limit: 1 });
  const invoiceId = idOf(invoicePayment.data[0]?.invoice);
  if (invoiceId) {
    const donation = await recordInvoice(c, invoiceId, 'as stored');
    return donation ? { donation, viaInvoice: true } : undefined;
  }

  const campaign = await campaignForPayment(c.trx, intent.metadata.campaign, c.generalFundSlug);
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : undefined;
  const donor = await donorForCustomer(c.trx, c.stripe, intent.customer, intent.receipt_email ?? charge?.billing_details.email);
  const credit = await creditForPayment(c, campaign, paidAtOf(intent));
  await insertDonationUnlessKnown(
    c.trx,
    {
      ...credit,
      donor_id: donor?.id ?? null,
      frequency: 'once',
      amount: intent.amount,
      currency: intent.currency.toUpperCase(),
      origin: 'stripe',
      // As typed on a payment page that is not our form: one line, like every name on a receipt.
      donor_name: oneLine(charge?.billing_details.name) || (donor?.name ?? null),
      // A payment page does not ask who gives. A cardholder's name is a person's; only a gift named by the
      // donor's record is taken to come from who they last gave as.
      donor_type: oneLine(charge?.billing_details.name) ? 'person' : (donor?.donor_type ?? 'person'),
      // Nobody agreed to be named in public on our site: such gifts show as anonymous.
      anonymous: true,
      stripe_payment_intent_id: intent.id,
    },
    'stripe_payment_intent_id',
  );
  return { donation: (await lockDonation(c.trx, 'stripe_payment_intent_id', intent.id))!, viaInvoice: false };
}

/** Any PaymentIntent: records its donation and, once it has a charge, the charge's money. */
export async function recordPaymentIntent(c: RecordingContext, intentId: string): Promise<Donation | undefined> {
  const intent = await c.stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge.balance_transaction'] });
  const found = await donationForPaymentIntent(c, intent);
  if (!found) return undefined;
  if (!found.viaInvoice && intent.latest_charge) await syncCharge(c, found.donation, intent.latest_charge, 'the payment');
  return found.donation;
}

/** Refunds and disputes name a charge; its PaymentIntent leads to the donation. */
export async function recordCharge(c: RecordingContext, chargeId: string): Promise<Donation | undefined> {
  const charge = await c.stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] });
  const intentId = idOf(charge.payment_intent);
  if (!intentId) return undefined;
  const intent = await c.stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] });
  const found = await donationForPaymentIntent(c, intent);
  if (!found) return undefined;
  await syncCharge(c, found.donation, charge, 'everything');
  return found.donation;
}

/** A finished Checkout Session: the payment, or for a recurring gift the plan and its first invoice. */
export async function recordCheckoutSession(c: RecordingContext, sessionId: string): Promise<Donation | undefined> {
  const session = await c.stripe.checkout.sessions.retrieve(sessionId);
  const donationId = session.metadata?.donation_id ?? session.client_reference_id;
  if (isUuid(donationId)) {
    await attachCheckoutSessionIfNone(c.trx, donationId, session.id);
  }
  const subscriptionId = idOf(session.subscription);
  if (session.mode === 'subscription' && subscriptionId) {
    // The invoice syncs its plan; a session without one yet still brings the plan up to date.
    const invoiceId = idOf(session.invoice);
    if (invoiceId) return recordInvoice(c, invoiceId);
    await syncPlan(c.trx, c.stripe, subscriptionId, c.generalFundSlug);
    return undefined;
  }
  const intentId = idOf(session.payment_intent);
  return intentId ? recordPaymentIntent(c, intentId) : undefined;
}

/** What Stripe's own session says: expired unpaid, or completed with a delayed payment that failed rather than one still on its way. */
function endedUnpaid(session: Stripe.Checkout.Session, outcome: 'failed' | 'expired'): boolean {
  if (outcome === 'expired') return session.status === 'expired';
  const intent = session.payment_intent;
  const stillPaying = typeof intent === 'object' && intent !== null && (intent.status === 'processing' || intent.status === 'succeeded');
  return session.status === 'complete' && session.payment_status === 'unpaid' && !stillPaying;
}

/**
 * Checkout ended without money: the wallet payment failed, or the donor never paid before the session
 * expired. As for every other event, the session is read again from Stripe: a gift is closed on what
 * Stripe says of it, never on the event's copy of the session.
 */
export async function recordUnpaidCheckout(c: RecordingContext, sessionId: string, outcome: 'failed' | 'expired'): Promise<void> {
  const session = await c.stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] });
  if (!endedUnpaid(session, outcome)) return;
  const donationId = session.metadata?.donation_id ?? session.client_reference_id;
  if (!isUuid(donationId)) return;
  const donation = await lockDonation(c.trx, 'id', donationId);
  if (!donation || donation.status !== 'pending') return;
  await closePendingDonation(c.trx, donation.id, outcome);
  if (donation.recurring_plan_id) await cancelIncompletePlan(c.trx, donation.recurring_plan_id);
}
