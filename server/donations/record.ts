// Turns what Stripe says into donations and ledger rows. Every function here re-reads Stripe's current
// state and may run any number of times, in any order: a repeat changes nothing.
import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Db } from '../database';
import type { Donation } from './donation.table';
import { oneLine } from '../http/text';
import { oweEmail } from '../outbox/outbox';
import { syncCharge } from './ledger';
import { campaignForPayment, donorForCustomer, linkStripeCustomer } from './payers';
import { planForSubscription, syncPlan } from './plans';
import { idOf } from '../stripe/ids';
import { isUuid } from '../http/params';

export interface RecordingContext {
  trx: Db;
  stripe: Stripe;
  generalFundSlug: string;
  /** The organisation's time zone, which dates and numbers receipts. */
  timeZone: string;
}


const lockDonation = (trx: Db, column: 'id' | 'stripe_payment_intent_id' | 'stripe_invoice_id', value: string) =>
  trx.selectFrom('donations').selectAll().where(column, '=', value).forUpdate().executeTakeFirst();

/** Our donation for a subscription's invoice: the pending first gift of its plan, or a new renewal. Locked. */
async function donationForInvoice(c: RecordingContext, invoice: Stripe.Invoice, subscriptionId: string): Promise<Donation> {
  const plan = await planForSubscription(c.trx, c.stripe, subscriptionId, c.generalFundSlug);
  const known = await lockDonation(c.trx, 'stripe_invoice_id', invoice.id!);
  if (known) return known;
  const first = await c.trx
    .selectFrom('donations')
    .selectAll()
    .where('recurring_plan_id', '=', plan.id)
    .orderBy('created_at')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (first && first.stripe_invoice_id === null && invoice.billing_reason === 'subscription_create') {
    await c.trx.updateTable('donations').set({ stripe_invoice_id: invoice.id!, updated_at: sql`now()` }).where('id', '=', first.id).execute();
    return { ...first, stripe_invoice_id: invoice.id! };
  }
  await c.trx
    .insertInto('donations')
    .values({
      campaign_id: plan.campaign_id,
      donor_id: plan.donor_id,
      recurring_plan_id: plan.id,
      frequency: plan.interval,
      amount: invoice.amount_due > 0 ? invoice.amount_due : plan.amount,
      currency: invoice.currency.toUpperCase(),
      origin: 'subscription',
      // A renewal is shown as the first gift was: under the same name, or anonymously; its message is not repeated.
      donor_name: first?.donor_name ?? null,
      anonymous: first?.anonymous ?? true,
      dedication_kind: first?.dedication_kind ?? null,
      dedication_name: first?.dedication_name ?? null,
      locale: first?.locale ?? 'en',
      stripe_invoice_id: invoice.id!,
    })
    .onConflict((oc) => oc.column('stripe_invoice_id').doNothing())
    .execute();
  return (await lockDonation(c.trx, 'stripe_invoice_id', invoice.id!))!;
}

/** A recurring gift's payment (the first one included): the invoice, its payment and its charge. */
export async function recordInvoice(c: RecordingContext, invoiceId: string): Promise<Donation | undefined> {
  const invoice = await c.stripe.invoices.retrieve(invoiceId);
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscriptionId) return undefined;
  const donation = await donationForInvoice(c, invoice, subscriptionId);
  const payments = await c.stripe.invoicePayments.list({ invoice: invoiceId, limit: 10, expand: ['data.payment.payment_intent'] });
  const paid = payments.data.find((p) => p.status === 'paid') ?? payments.data[0];
  const intent = paid?.payment.payment_intent as Stripe.PaymentIntent | undefined;
  if (intent && !donation.stripe_payment_intent_id) {
    await c.trx.updateTable('donations').set({ stripe_payment_intent_id: intent.id }).where('id', '=', donation.id).execute();
  }
  const chargeId = idOf(intent?.latest_charge);
  if (chargeId) await syncCharge(c, donation, chargeId, 'the payment');
  if (invoice.status === 'open' && invoice.attempt_count > 0 && !chargeIdSucceeded(intent)) {
    await c.trx
      .updateTable('donations')
      .set({ status: 'failed', updated_at: sql`now()` })
      .where('id', '=', donation.id)
      .where('status', '=', 'pending')
      .execute();
    if (donation.donor_id) await oweEmail(c.trx, 'payment_failed', `payment-failed-${invoice.id}-${invoice.attempt_count}`, { donationId: donation.id });
  }
  return donation;
}

const chargeIdSucceeded = (intent: Stripe.PaymentIntent | undefined) => intent?.status === 'succeeded';

/** The donation a PaymentIntent pays for: ours by id or metadata, a subscription's, or a new one for a payment begun elsewhere. */
async function donationForPaymentIntent(c: RecordingContext, intent: Stripe.PaymentIntent): Promise<{ donation: Donation; viaInvoice: boolean } | undefined> {
  const known = await lockDonation(c.trx, 'stripe_payment_intent_id', intent.id);
  if (known) return { donation: known, viaInvoice: false };

  const ours = isUuid(intent.metadata.donation_id) ? await lockDonation(c.trx, 'id', intent.metadata.donation_id) : undefined;
  if (ours) {
    await c.trx.updateTable('donations').set({ stripe_payment_intent_id: intent.id, updated_at: sql`now()` }).where('id', '=', ours.id).execute();
    if (ours.donor_id) await linkStripeCustomer(c.trx, ours.donor_id, intent.customer);
    return { donation: { ...ours, stripe_payment_intent_id: intent.id }, viaInvoice: false };
  }

  const invoicePayment = await c.stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: intent.id }, limit: 1 });
  const invoiceId = idOf(invoicePayment.data[0]?.invoice);
  if (invoiceId) {
    const donation = await recordInvoice(c, invoiceId);
    return donation ? { donation, viaInvoice: true } : undefined;
  }

  const campaign = await campaignForPayment(c.trx, intent.metadata.campaign, c.generalFundSlug);
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : undefined;
  const donor = await donorForCustomer(c.trx, c.stripe, intent.customer, intent.receipt_email ?? charge?.billing_details.email);
  await c.trx
    .insertInto('donations')
    .values({
      campaign_id: campaign.id,
      donor_id: donor?.id ?? null,
      frequency: 'once',
      amount: intent.amount,
      currency: intent.currency.toUpperCase(),
      origin: 'stripe',
      // As typed on a payment page that is not our form: one line, like every name on a receipt.
      donor_name: oneLine(charge?.billing_details.name) || (donor?.name ?? null),
      // Nobody agreed to be named in public on our site: such gifts show as anonymous.
      anonymous: true,
      stripe_payment_intent_id: intent.id,
    })
    .onConflict((oc) => oc.column('stripe_payment_intent_id').doNothing())
    .execute();
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
    await c.trx
      .updateTable('donations')
      .set({ stripe_checkout_session_id: session.id })
      .where('id', '=', donationId)
      .where('stripe_checkout_session_id', 'is', null)
      .execute();
  }
  const subscriptionId = idOf(session.subscription);
  if (session.mode === 'subscription' && subscriptionId) {
    await syncPlan(c.trx, c.stripe, subscriptionId, c.generalFundSlug);
    const invoiceId = idOf(session.invoice);
    return invoiceId ? recordInvoice(c, invoiceId) : undefined;
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
  await c.trx.updateTable('donations').set({ status: outcome, updated_at: sql`now()` }).where('id', '=', donation.id).execute();
  if (donation.recurring_plan_id) {
    await c.trx
      .updateTable('recurring_plans')
      .set({ status: 'canceled', canceled_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', donation.recurring_plan_id)
      .where('status', '=', 'incomplete')
      .execute();
  }
}
