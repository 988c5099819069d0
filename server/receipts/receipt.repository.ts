// The receipts' queries: numbering and storing receipts, voiding them, and reading them back (statements: statement.repository.ts).
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import type { Insertable } from 'kysely';
import type { Receipt, ReceiptTable, ReceiptVoidReason } from '../tables/receipts.table';

/** A gift's first receipt, whether it still stands or not. */
export async function findReceiptOfDonation(db: Db, donationId: string): Promise<Receipt | undefined> {
  return db.selectFrom('receipts').selectAll().where('donation_id', '=', donationId).where('replaces_receipt_id', 'is', null).executeTakeFirst();
}

/**
 * What numbering a receipt is told, its id made by the caller (an email may be owed for it first); the rest
 * (year, sequence, number) it takes from the year's counter.
 */
export type ReceiptToNumber = Omit<Insertable<ReceiptTable>, 'id' | 'year' | 'sequence' | 'number'> & { id: string };

/**
 * Numbers and stores a receipt in one statement: the next sequence of `year` from its counter, and the number
 * "2026-000123" made of them. The counter row stays locked until the transaction ends, so concurrent gifts
 * take consecutive numbers and a rolled-back gift gives its number back; every gift waits on that one row,
 * which is why this is one round trip, taken as late in a gift's transaction as can be.
 */
export async function insertNumberedReceipt(trx: Trx, year: number, receipt: ReceiptToNumber): Promise<Receipt> {
  const { rows } = await sql<Receipt>`
    with counter as (
      insert into receipt_counters as c (year, last_sequence) values (${year}, 1)
      on conflict (year) do update set last_sequence = c.last_sequence + 1
      returning last_sequence
    )
    insert into receipts (id, donation_id, year, sequence, number, amount, currency, given_at, issued_at, replaces_receipt_id)
    select ${receipt.id}, ${receipt.donation_id}, ${year}, last_sequence, ${String(year)} || '-' || lpad(last_sequence::text, greatest(6, length(last_sequence::text)), '0'),
      ${receipt.amount}, ${receipt.currency}, ${receipt.given_at}, ${receipt.issued_at}, ${receipt.replaces_receipt_id ?? null}
    from counter
    returning *`.execute(trx);
  return rows[0]!;
}

/**
 * True for the end of a gift's chain of receipts, the one no other replaces: the receipt that stands, or
 * the last one voided when nothing was kept. Every list of gifts joins its receipt with this.
 */
export const isLatestReceipt = sql<boolean>`not exists (select 1 from receipts later where later.replaces_receipt_id = receipts.id)`;

export async function findLatestReceiptOfDonation(trx: Trx, donationId: string): Promise<Receipt | undefined> {
  return trx.selectFrom('receipts').selectAll().where('donation_id', '=', donationId).where(isLatestReceipt).executeTakeFirst();
}

/** The receipts refunds voided among these gifts', each with its notice: what the account and the staff gift page offer. */
export async function listRefundNotices(db: Db, donationIds: string[]) {
  if (donationIds.length === 0) return [];
  return db.selectFrom('receipts').select(['id', 'number', 'donation_id', 'voided_at']).where('donation_id', 'in', donationIds).where('void_reason', '=', 'refund').orderBy('issued_at').orderBy('sequence').execute();
}

export async function voidReceipt(trx: Trx, receiptId: string, at: Date, reason: ReceiptVoidReason): Promise<Receipt> {
  return trx.updateTable('receipts').set({ voided_at: at, void_reason: reason }).where('id', '=', receiptId).where('voided_at', 'is', null).returningAll().executeTakeFirstOrThrow();
}

/** A receipt with everything its email, printable page and PDF show, and the receipts it replaces and is replaced by. */
export async function findReceipt(db: Db, receiptId: string) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .leftJoin('receipts as replaced', 'replaced.id', 'receipts.replaces_receipt_id')
    .leftJoin('receipts as replacement', 'replacement.replaces_receipt_id', 'receipts.id')
    .select([
      'receipts.id',
      'receipts.number',
      'receipts.amount',
      'receipts.currency',
      'receipts.given_at',
      'receipts.issued_at',
      'receipts.voided_at',
      'receipts.void_reason',
      'replaced.number as replaces_number',
      'replacement.id as replacement_id',
      'replacement.number as replacement_number',
      'replacement.amount as replacement_amount',
      'donations.id as donation_id',
      'donations.frequency',
      'donations.payment_method',
      'donations.dedication_kind',
      'donations.dedication_name',
      'donations.donor_name',
      'donations.donor_contact_name',
      'donations.donor_business_registration',
      'donations.locale',
      'campaigns.title as campaign_title',
      'donors.email',
      'donors.name as donor_record_name',
    ])
    .where('receipts.id', '=', receiptId)
    .executeTakeFirst();
}

export type ReceiptDetails = NonNullable<Awaited<ReturnType<typeof findReceipt>>>;

/** A gift with its donor's address and campaign title, for the notices about it. */
export async function findDonationWithDonor(db: Db, donationId: string) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .innerJoin('donors', 'donors.id', 'donations.donor_id')
    .select(['donations.id', 'donations.amount', 'donations.currency', 'donations.locale', 'donations.recurring_plan_id', 'donors.email', 'campaigns.title as campaign_title'])
    .where('donations.id', '=', donationId)
    .executeTakeFirst();
}
