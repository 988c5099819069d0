// A gift whose donor waits for a slot in the Stripe budget (the waiting page), and its Checkout Session once open.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { Donation } from '../tables/donations.table';

export interface WaitingGift {
  donation: Donation;
  campaign: Campaign;
  /** The address Checkout is opened for: the donor's, as the gift was started with. */
  donorEmail: string;
}

/** A gift started on our form, with its campaign and its donor's address; undefined for any other id. */
export async function findWaitingGift(db: Db, donationId: string): Promise<WaitingGift | undefined> {
  const donation = await db.selectFrom('donations').selectAll().where('id', '=', donationId).where('origin', '=', 'checkout').executeTakeFirst();
  if (!donation || donation.donor_id === null) return undefined;
  const [campaign, donor] = await Promise.all([
    db.selectFrom('campaigns').selectAll().where('id', '=', donation.campaign_id).executeTakeFirstOrThrow(),
    db.selectFrom('donors').select('email').where('id', '=', donation.donor_id).executeTakeFirstOrThrow(),
  ]);
  return { donation, campaign, donorEmail: donor.email };
}

/** The gift's Checkout Session, and how long its donor waited for it (null: not known, they left the line and came back). */
export async function attachOpenedCheckout(db: Db, donationId: string, sessionId: string, waitedMs: number | null): Promise<void> {
  await db
    .updateTable('donations')
    .set({ stripe_checkout_session_id: sessionId, checkout_waited_ms: waitedMs, updated_at: sql`now()` })
    .where('id', '=', donationId)
    .execute();
}
