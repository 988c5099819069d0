// The receipts' queries.
import type { Db } from '../database';

/** A gift with its donor's address and campaign title, for the notices about it. */
export async function donationWithDonor(db: Db, donationId: string) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .innerJoin('donors', 'donors.id', 'donations.donor_id')
    .select(['donations.id', 'donations.amount', 'donations.currency', 'donations.locale', 'donations.recurring_plan_id', 'donors.email', 'campaigns.title as campaign_title'])
    .where('donations.id', '=', donationId)
    .executeTakeFirst();
}

export async function donorForStatement(db: Db, donorId: number) {
  return db.selectFrom('donors').select(['email', 'name', 'locale']).where('id', '=', donorId).executeTakeFirst();
}
