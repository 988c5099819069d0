// Turns what Stripe says into donations and ledger rows. Every function here works from Stripe's state as
// read just before its transaction (c.stripe; the read* functions say what to read) and may run any number
// of times, in any order: a repeat changes nothing.
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
import { activateIncompletePlan, cancelIncompletePlan } from '../plan.repository';
import { creditForOurPayment, creditForPayment, creditForRenewal } from '../plan-moves';
import { historyToList, syncCharge, type ChargeHistory } from './ledger';
import { campaignForPayment, donorForCustomer, linkStripeCustomer } from './payers';
import { planForSubscription } from './plans';
import type { RecordingContext } from './recording-context';
import type { StripeReads } from './stripe-reads';
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
 * A recurring gift's payment (the first one included), from the invoice as its event gave it: what is used of
 * it (its subscription, reason, date, amount and, for a failed payment, that attempt's count) is fixed for that
 * event. Then its payment and its charge, as read. The plan is taken as stored: the subscription's own events
 * sync it.
 */
export async function recordInvoice(c: RecordingContext, invoice: Stripe.Invoice): Promise<Donation | undefined> {
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscriptionId) return undefined;
  // The plan first: recording the gift numbers its receipt, and that counter lock should be taken last.
  const plan = await planForSubscription(c, subscriptionId);
  if (plan.donor_id) await linkStripeCustomer(c.trx, plan.donor_id, invoice.customer);
  const donation = await donationForInvoice(c, invoice, plan);
  const intent = paidIntentOf(await c.stripe.paymentsOfInvoice(invoice.id!));
  if (intent && !donation.stripe_payment_intent_id) await attachPaymentIntent(c.trx, donation.id, intent.id);
  const chargeId = idOf(intent?.latest_charge);
  const status = chargeId ? await syncCharge(c, donation, chargeId, 'the payment') : undefined;
  if (status === 'succeeded' && plan.status === 'incomplete') await activateIncompletePlan(c.trx, plan.id);
  if (invoice.status === 'open' && invoice.attempt_count > 0 && intent?.status !== 'succeeded') {
    await closePendingDonation(c.trx, donation.id, 'failed');
    if (donation.donor_id) await oweEmail(c.trx, 'payment_failed', `payment-failed-${invoice.id}-${invoice.attempt_count}`, { donationId: donation.id });
  }
  return donation;
}

/** The PaymentIntent that paid the invoice, or its latest attempt. */
function paidIntentOf(payments: Stripe.InvoicePayment[]): Stripe.PaymentIntent | undefined {
  const paid = payments.find((p) => p.status === 'paid') ?? payments[0];
  return paid?.payment.payment_intent as Stripe.PaymentIntent | undefined;
}

/** What recordInvoice reads: the invoice's payments, then the paying charge. */
export async function readInvoice(reads: StripeReads, invoice: Stripe.Invoice): Promise<void> {
  const chargeId = idOf(paidIntentOf(await reads.paymentsOfInvoice(invoice.id!))?.latest_charge);
  if (chargeId) await reads.charge(chargeId);
}

/** Paid when Stripe made the charge (or, before one, the payment): a round closed by then gets nothing. */
const paidAtOf = (intent: Stripe.PaymentIntent) => new Date(((typeof intent.latest_charge === 'object' ? intent.latest_charge?.created : undefined) ?? intent.created) * 1000);

/**
 * The donation a PaymentIntent pays for: ours by id or metadata, a subscription's, or a new one for a payment
 * begun elsewhere. Stripe's copy of the payment is looked at only when we do not know it yet.
 */
async function donationForPaymentIntent(c: RecordingContext, intentId: string): Promise<{ donation: Donation; viaInvoice: boolean } | undefined> {
  const known = await lockDonation(c.trx, 'stripe_payment_intent_id', intentId);
  if (known) return { donation: known, viaInvoice: false };
  const intent = await c.stripe.paymentIntent(intentId);

  const ours = isUuid(intent.metadata.donation_id) ? await lockDonation(c.trx, 'id', intent.metadata.donation_id) : undefined;
  if (ours) {
    await attachPaymentIntent(c.trx, ours.id, intent.id);
    if (ours.donor_id) await linkStripeCustomer(c.trx, ours.donor_id, intent.customer);
    // Begun on the form before the round closed, paid after (Checkout keeps a session open for a day).
    const credit = ours.status === 'pending' ? await creditForOurPayment(c, ours.campaign_id, paidAtOf(intent)) : undefined;
    if (credit && credit.campaign_id !== ours.campaign_id) await creditDonation(c.trx, ours.id, credit);
    return { donation: { ...ours, ...(credit ?? {}), stripe_payment_intent_id: intent.id }, viaInvoice: false };
  }

  const invoiceId = await c.stripe.invoiceOfPayment(intent.id);
  if (invoiceId) {
    const donation = await recordInvoice(c, await c.stripe.invoice(invoiceId));
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
  const found = await donationForPaymentIntent(c, intentId);
  if (!found) return undefined;
  if (found.viaInvoice) return found.donation;
  const intent = await c.stripe.paymentIntent(intentId);
  if (intent.latest_charge) await syncCharge(c, found.donation, intent.latest_charge, 'the payment');
  return found.donation;
}

/** Refunds and disputes name a charge; its PaymentIntent leads to the donation. */
export async function recordCharge(c: RecordingContext, chargeId: string, lookUp: ChargeHistory): Promise<Donation | undefined> {
  const charge = await c.stripe.charge(chargeId);
  const intentId = idOf(charge.payment_intent);
  if (!intentId) return undefined;
  const found = await donationForPaymentIntent(c, intentId);
  if (!found) return undefined;
  await syncCharge(c, found.donation, charge, lookUp);
  return found.donation;
}

/** What recordCharge reads: the charge, then the refunds and disputes it or the event points to (and what undid a failed refund). */
export async function readCharge(reads: StripeReads, chargeId: string, lookUp: ChargeHistory): Promise<void> {
  const charge = await reads.charge(chargeId);
  const { refunds, disputes } = historyToList(charge, lookUp);
  const [listed] = await Promise.all([refunds ? reads.refundsOfCharge(chargeId) : [], disputes ? reads.disputesOfCharge(chargeId) : undefined]);
  await Promise.all(listed.filter((refund) => refund.status === 'failed' && refund.failure_balance_transaction).map((refund) => reads.balanceTransaction(String(refund.failure_balance_transaction))));
}

/**
 * A finished Checkout Session is only linked to its gift: the money is recorded by the events of its
 * payment (payment_intent.succeeded) or its first invoice (invoice.paid), which Stripe sends for every
 * session paid, so the session is never read. Its ids, taken from the event, are fixed once it has completed.
 */
export async function recordCheckoutSession(c: RecordingContext, session: Stripe.Checkout.Session): Promise<void> {
  const donationId = session.metadata?.donation_id ?? session.client_reference_id;
  if (isUuid(donationId)) await attachCheckoutSessionIfNone(c.trx, donationId, session.id);
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
  const session = await c.stripe.checkoutSession(sessionId);
  if (!endedUnpaid(session, outcome)) return;
  const donationId = session.metadata?.donation_id ?? session.client_reference_id;
  if (!isUuid(donationId)) return;
  const donation = await lockDonation(c.trx, 'id', donationId);
  if (!donation || donation.status !== 'pending') return;
  await closePendingDonation(c.trx, donation.id, outcome);
  if (donation.recurring_plan_id) await cancelIncompletePlan(c.trx, donation.recurring_plan_id);
}
