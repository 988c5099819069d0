// The queries behind offline gifts: their donation and ledger rows, their donors, and the recent list.
import { sql, type Updateable } from 'kysely';
import type { Db, Trx } from '../database';
import type { Donation, DonationTable, NewDonation } from '../tables/donations.table';
import type { LedgerEntry, NewLedgerEntry } from '../tables/ledger-entries.table';

/**
 * The donor of this email, created when new and locked until the transaction ends. Their name and kind
 * come from the gift, as for a gift paid online (nameDonorFromPaidGift).
 */
export async function upsertOfflineDonor(trx: Trx, donor: { email: string; locale: string }): Promise<number> {
  const row = await trx
    .insertInto('donors')
    .values({ email: donor.email, locale: donor.locale })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doUpdateSet({ updated_at: sql`now()` }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function insertOfflineDonation(db: Db, donation: NewDonation): Promise<Donation> {
  return db.insertInto('donations').values(donation).returningAll().executeTakeFirstOrThrow();
}

/** The offline donation, locked until the transaction ends: one correction at a time. */
export function lockOfflineDonation(trx: Trx, donationId: string): Promise<Donation | undefined> {
  return trx.selectFrom('donations').selectAll().where('id', '=', donationId).where('origin', '=', 'offline').forUpdate().executeTakeFirst();
}

export function updateOfflineDonation(trx: Trx, donationId: string, columns: Updateable<DonationTable>): Promise<Donation> {
  return trx
    .updateTable('donations')
    .set({ ...columns, updated_at: sql`now()` })
    .where('id', '=', donationId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertLedgerEntry(trx: Trx, entry: NewLedgerEntry): Promise<number> {
  const row = await trx.insertInto('ledger_entries').values(entry).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The offline gift row of a donation that no reversal has taken back yet. */
export function findCurrentOfflineEntry(db: Db, donationId: string): Promise<LedgerEntry | undefined> {
  return db
    .selectFrom('ledger_entries as e')
    .selectAll('e')
    .where('e.donation_id', '=', donationId)
    .where('e.source', '=', 'offline')
    .where('e.kind', '=', 'gift')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('ledger_entries as r').select('r.id').whereRef('r.corrects_entry_id', '=', 'e.id').where('r.kind', '=', 'reversal'))))
    .orderBy('e.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The offline gifts recorded last, newest first. */
export function listRecentOfflineGifts(db: Db, limit = 20) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .select(['donations.id', 'donations.donor_name', 'donations.amount', 'donations.currency', 'donations.payment_method', 'donations.succeeded_at', 'campaigns.slug as campaign'])
    .where('donations.origin', '=', 'offline')
    .orderBy('donations.created_at', 'desc')
    .limit(limit)
    .execute();
}

export type RecentOfflineGift = Awaited<ReturnType<typeof listRecentOfflineGifts>>[number];
