// Donors and donations: started by the donate form, found by the thanks page, written as Stripe reports them.
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { Donation, DonationStatus, NewDonation } from '../tables/donations.table';
import type { Donor } from '../tables/donors.table';
import type { DonationRequest } from './form';

/**
 * The donor an email belongs to, whatever its case; created, without a name, on first sight. Anyone can
 * type anyone's address, so finding a donor changes nothing about them: their name comes from paid gifts
 * only (nameDonorFromPaidGift).
 */
export async function findOrCreateDonor(db: Db, donor: { email: string; locale?: string }): Promise<Donor> {
  const created = await db
    .insertInto('donors')
    .values({ email: donor.email, locale: donor.locale ?? 'en' })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst();
  return created ?? db.selectFrom('donors').selectAll().where(sql`lower(email)`, '=', donor.email.toLowerCase()).executeTakeFirstOrThrow();
}

export async function findDonorByStripeCustomer(db: Db, customerId: string): Promise<Donor | undefined> {
  return db.selectFrom('donors').selectAll().where('stripe_customer_id', '=', customerId).executeTakeFirst();
}

/**
 * Remembers the donor's Stripe customer, unless the donor has one already or another donor has this one, or
 * the donor asked to be forgotten (a late webhook about their old gift must not link them again).
 */
export async function linkDonorToStripeCustomer(db: Db, donorId: number, customerId: string): Promise<void> {
  await db
    .updateTable('donors')
    .set({ stripe_customer_id: customerId, updated_at: sql`now()` })
    .where('id', '=', donorId)
    .where('stripe_customer_id', 'is', null)
    .where('erased_at', 'is', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('donors as other').select('other.id').where('other.stripe_customer_id', '=', customerId))))
    .execute();
}

/**
 * Gives the donor the name their gift was given under, and the kind of donor it was given as (a person,
 * an enterprise…), once it is paid, unless a gift paid later has named them already: webhooks may apply
 * gifts in any order, and name_given_at keeps the latest one's time. Name and kind go together, online
 * and offline alike, so that a donor who gave as their company and then as themselves is not a person
 * called by the company's name. A renewal repeats its plan's first gift and names nobody anew. Call it
 * before the gift's ledger rows are written: the donor's row is locked before the campaign's totals, as
 * everywhere else.
 */
export async function nameDonorFromPaidGift(trx: Trx, gift: Pick<Donation, 'donor_id' | 'donor_name' | 'donor_type' | 'origin'>, paidAt: Date): Promise<void> {
  const { donor_name: name, donor_type: type } = gift;
  if (gift.donor_id === null || !name || gift.origin === 'subscription') return;
  await trx
    .updateTable('donors')
    .set({ name, donor_type: type, name_given_at: paidAt, updated_at: sql`now()` })
    .where('id', '=', gift.donor_id)
    .where((eb) =>
      eb.or([
        eb('name_given_at', 'is', null),
        eb('name_given_at', '<', paidAt),
        // The same gift again, corrected (finance's offline gifts): what it now says.
        eb.and([eb('name_given_at', '=', paidAt), eb.or([eb('name', 'is distinct from', name), eb('donor_type', 'is distinct from', type)])]),
      ]),
    )
    .execute();
}

/** Where a gift on the donate form came from: its page's language, the link's utm_source (already checked by readSource), the hashed network. */
export interface GiftOrigin {
  locale: string;
  source: string | null;
  clientIpHash: string;
  /** The form's news box as the donor ticked it: its sentence in `locale`, and when they sent the form; null when unticked. */
  newsConsent: { wording: string; chosenAt: Date } | null;
}

/** A pending donation, and for a monthly or yearly gift its plan, before the donor is sent to pay. */
export async function startDonation(db: Db, campaign: Campaign, request: DonationRequest, origin: GiftOrigin): Promise<Donation> {
  return db.transaction().execute(async (trx) => {
    // The name typed, and who it names, are the gift's, kept on the donation until the gift is paid.
    const donor = await findOrCreateDonor(trx, { email: request.email, locale: origin.locale });
    const plan =
      request.frequency === 'once'
        ? undefined
        : await trx
            .insertInto('recurring_plans')
            .values({ donor_id: donor.id, campaign_id: campaign.id, amount: request.amount.amount, currency: request.amount.currency, interval: request.frequency })
            .returning('id')
            .executeTakeFirstOrThrow();
    return trx
      .insertInto('donations')
      .values({
        campaign_id: campaign.id,
        donor_id: donor.id,
        recurring_plan_id: plan?.id ?? null,
        frequency: request.frequency,
        amount: request.amount.amount,
        currency: request.amount.currency,
        origin: 'checkout',
        donor_name: request.name,
        donor_type: request.donorType,
        donor_contact_name: request.contactName,
        donor_business_registration: request.businessRegistration,
        anonymous: request.anonymous,
        message: request.message,
        dedication_kind: request.dedication?.kind ?? null,
        dedication_name: request.dedication?.name ?? null,
        locale: origin.locale,
        utm_source: origin.source,
        // Stored before Checkout exists, so that every decline on its page finds where the gift was started from.
        client_ip_hash: origin.clientIpHash,
        // Kept on the gift until it is paid: only then does the yes count (server/impact/consent.ts).
        updates_consent_wording: origin.newsConsent?.wording ?? null,
        updates_consent_chosen_at: origin.newsConsent?.chosenAt ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function attachCheckoutSession(db: Db, donationId: string, sessionId: string): Promise<void> {
  await db.updateTable('donations').set({ stripe_checkout_session_id: sessionId, updated_at: sql`now()` }).where('id', '=', donationId).execute();
}

/** As attachCheckoutSession, for Stripe's word on it: a session already attached is left as it is. */
export async function attachCheckoutSessionIfNone(db: Db, donationId: string, sessionId: string): Promise<void> {
  await db.updateTable('donations').set({ stripe_checkout_session_id: sessionId }).where('id', '=', donationId).where('stripe_checkout_session_id', 'is', null).execute();
}

export async function findDonationByCheckoutSession(db: Db, sessionId: string) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .selectAll('donations')
    .select(['campaigns.slug as campaign_slug', 'campaigns.title as campaign_title'])
    .where('donations.stripe_checkout_session_id', '=', sessionId)
    .executeTakeFirst();
}

export async function donationExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('donations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** A donation found by our id or one of Stripe's, locked until the transaction ends. */
export async function lockDonation(trx: Trx, by: 'id' | 'stripe_payment_intent_id' | 'stripe_invoice_id', value: string): Promise<Donation | undefined> {
  return trx.selectFrom('donations').selectAll().where(by, '=', value).forUpdate().executeTakeFirst();
}

/** The first donation of a recurring plan (the gift its donor made on our form, if any), locked. */
export async function lockFirstDonationOfPlan(trx: Trx, planId: string): Promise<Donation | undefined> {
  return trx.selectFrom('donations').selectAll().where('recurring_plan_id', '=', planId).orderBy('created_at').limit(1).forUpdate().executeTakeFirst();
}

/** Inserts a donation Stripe told us of, unless one already has its invoice or PaymentIntent. */
export async function insertDonationUnlessKnown(trx: Trx, donation: NewDonation, knownBy: 'stripe_invoice_id' | 'stripe_payment_intent_id'): Promise<void> {
  await trx.insertInto('donations').values(donation).onConflict((oc) => oc.column(knownBy).doNothing()).execute();
}

export async function attachInvoice(trx: Trx, donationId: string, invoiceId: string): Promise<void> {
  await trx.updateTable('donations').set({ stripe_invoice_id: invoiceId, updated_at: sql`now()` }).where('id', '=', donationId).execute();
}

/** Credits a gift not yet paid to another campaign than it was begun for, keeping which (server/donations/plan-moves.ts). */
export async function creditDonation(trx: Trx, donationId: string, credit: { campaign_id: number; intended_campaign_id: number | null }): Promise<void> {
  await trx.updateTable('donations').set({ ...credit, updated_at: sql`now()` }).where('id', '=', donationId).where('status', '=', 'pending').execute();
}

export async function attachPaymentIntent(trx: Trx, donationId: string, intentId: string): Promise<void> {
  await trx.updateTable('donations').set({ stripe_payment_intent_id: intentId, updated_at: sql`now()` }).where('id', '=', donationId).execute();
}

/** Ends a gift still pending without money; one that has moved on meanwhile is left as it is. */
export async function closePendingDonation(trx: Trx, donationId: string, status: 'failed' | 'expired'): Promise<void> {
  await trx.updateTable('donations').set({ status, updated_at: sql`now()` }).where('id', '=', donationId).where('status', '=', 'pending').execute();
}

/** What the ledger and the charge say of a gift, copied onto its donation. */
export interface ChargeOutcome {
  status: DonationStatus;
  chargeId: string;
  paymentMethod: string | null;
  failureMessage: string | null;
  succeededAt: Date | null;
  /** The number of the Stripe reads this outcome was taken from (see requireFreshReads). */
  stripeRead: string;
}

export async function updateDonationFromCharge(trx: Trx, donationId: string, outcome: ChargeOutcome): Promise<void> {
  await trx
    .updateTable('donations')
    .set({
      status: outcome.status,
      stripe_charge_id: outcome.chargeId,
      payment_method: outcome.paymentMethod,
      failure_message: outcome.failureMessage,
      succeeded_at: outcome.succeededAt,
      stripe_read: outcome.stripeRead,
      updated_at: sql`now()`,
    })
    .where('id', '=', donationId)
    .execute();
}
