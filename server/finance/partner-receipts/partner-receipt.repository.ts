// The queries behind mainland partners' receipts: written once, never changed; a gift's current receipt is
// the one no later row replaces. Lists never read a scan's bytes; only the two downloads do.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { NewPartnerReceipt } from '../../tables/partner-receipts.table';

/** Every column but the bytes. */
const summaryColumns = ['id', 'donation_id', 'replaces_id', 'partner_name', 'receipt_number', 'issued_on', 'filename', 'content_type', 'byte_size', 'recorded_by', 'recorded_at'] as const;

/** Whether no later row replaces the row `alias` names: its gift's current receipt. */
const isCurrent = (alias: 'p' | 'pr') => sql<boolean>`not exists (select 1 from partner_receipts newer where newer.replaces_id = ${sql.ref(`${alias}.id`)})`;

/** Each gift's current partner's receipt (no bytes), to join to a list of gifts as a table. */
export function currentPartnerReceipts(db: Db) {
  return db
    .selectFrom('partner_receipts as pr')
    .select(['pr.id', 'pr.donation_id', 'pr.partner_name', 'pr.receipt_number', 'pr.issued_on'])
    .where(isCurrent('pr'));
}

/** Locks the gift while its partner's receipt changes, so that two colleagues recording one take turns; what decides whether it may carry one. */
export async function lockGiftForPartnerReceipt(trx: Trx, donationId: string) {
  return trx.selectFrom('donations').select(['id', 'status', 'succeeded_at', 'created_at']).where('id', '=', donationId).forNoKeyUpdate().executeTakeFirst();
}

/** The gift's current partner's receipt, without its bytes. */
export async function findCurrentPartnerReceipt(db: Db, donationId: string) {
  return db
    .selectFrom('partner_receipts as p')
    .select(summaryColumns.map((column) => `p.${column}` as const))
    .where('p.donation_id', '=', donationId)
    .where(isCurrent('p'))
    .executeTakeFirst();
}

export type PartnerReceiptSummary = NonNullable<Awaited<ReturnType<typeof findCurrentPartnerReceipt>>>;

export async function insertPartnerReceipt(trx: Trx, row: NewPartnerReceipt): Promise<PartnerReceiptSummary> {
  return trx.insertInto('partner_receipts').values(row).returning([...summaryColumns]).executeTakeFirstOrThrow();
}

/** Every partner's receipt of the gift with who recorded it, newest first: the current one, then those it replaced. */
export async function listPartnerReceipts(db: Db, donationId: string) {
  return db
    .selectFrom('partner_receipts as p')
    .innerJoin('staff_members as m', 'm.id', 'p.recorded_by')
    .select(summaryColumns.map((column) => `p.${column}` as const))
    .select('m.name as recorded_by_name')
    .where('p.donation_id', '=', donationId)
    .orderBy('p.id', 'desc')
    .execute();
}

export type PartnerReceiptListing = Awaited<ReturnType<typeof listPartnerReceipts>>[number];

/** One of the gift's partner's receipts, current or replaced, bytes and all: for finance. */
export async function findPartnerReceiptFile(db: Db, donationId: string, id: number) {
  return db.selectFrom('partner_receipts').select(['filename', 'content_type', 'content']).where('donation_id', '=', donationId).where('id', '=', id).executeTakeFirst();
}

/** The current partner's receipt of a gift the donor gave, bytes and all; nothing for anybody else's gift. */
export async function findDonorsPartnerReceiptFile(db: Db, donorId: number, donationId: string) {
  return db
    .selectFrom('partner_receipts as p')
    .innerJoin('donations as d', 'd.id', 'p.donation_id')
    .select(['p.filename', 'p.content_type', 'p.content'])
    .where('d.donor_id', '=', donorId)
    .where('p.donation_id', '=', donationId)
    .where(isCurrent('p'))
    .executeTakeFirst();
}

export type PartnerReceiptFile = NonNullable<Awaited<ReturnType<typeof findDonorsPartnerReceiptFile>>>;
