import { sql } from 'kysely';
import type { Db } from '../database';
import type { Campaign } from '../campaigns/campaign.table';
import type { Donation } from './donation.table';
import type { Donor } from './donor.table';
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

/**
 * Gives the donor the name their gift was given under, once it is paid, unless a gift paid later has
 * named them already: webhooks may apply gifts in any order, and name_given_at keeps the latest one's
 * time. A renewal repeats its plan's first gift and names nobody anew. Call it before the gift's ledger
 * rows are written: the donor's row is locked before the campaign's totals, as everywhere else.
 */
export async function nameDonorFromPaidGift(db: Db, gift: Pick<Donation, 'donor_id' | 'donor_name' | 'origin'>, paidAt: Date): Promise<void> {
  const name = gift.donor_name;
  if (gift.donor_id === null || !name || gift.origin === 'subscription') return;
  await db
    .updateTable('donors')
    .set({ name, name_given_at: paidAt, updated_at: sql`now()` })
    .where('id', '=', gift.donor_id)
    .where((eb) => eb.or([eb('name_given_at', 'is', null), eb('name_given_at', '<', paidAt), eb.and([eb('name_given_at', '=', paidAt), eb('name', 'is distinct from', name)])]))
    .execute();
}

/**
 * A pending donation, and for a monthly or yearly gift its plan, before the donor is sent to pay.
 * `source` is the utm_source of the link the donor came by, already checked by readSource.
 */
export async function startDonation(db: Db, campaign: Campaign, request: DonationRequest, locale: string, source: string | null = null): Promise<Donation> {
  return db.transaction().execute(async (trx) => {
    // The name typed is the gift's, kept on the donation until the gift is paid.
    const donor = await findOrCreateDonor(trx, { email: request.email, locale });
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
        anonymous: request.anonymous,
        message: request.message,
        dedication_kind: request.dedication?.kind ?? null,
        dedication_name: request.dedication?.name ?? null,
        locale,
        utm_source: source,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function attachCheckoutSession(db: Db, donationId: string, sessionId: string): Promise<void> {
  await db.updateTable('donations').set({ stripe_checkout_session_id: sessionId, updated_at: sql`now()` }).where('id', '=', donationId).execute();
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
