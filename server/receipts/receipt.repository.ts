// The receipts' queries: numbering and storing receipts, reading them back, and the annual statements.
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import type { Receipt } from '../tables/receipts.table';

/** Gifts that still count on a statement: not refunded in full, not lost to a dispute. */
const standingStatuses = ['succeeded', 'partially_refunded'] as const;

export async function findReceiptOfDonation(db: Db, donationId: string): Promise<Receipt | undefined> {
  return db.selectFrom('receipts').selectAll().where('donation_id', '=', donationId).executeTakeFirst();
}

/**
 * The next sequence number of `year`. The counter row stays locked until the transaction ends, so
 * concurrent gifts take consecutive numbers, and a rolled-back gift gives its number back.
 */
export async function takeNextReceiptSequence(trx: Trx, year: number): Promise<number> {
  const { last_sequence: sequence } = await trx
    .insertInto('receipt_counters')
    .values({ year, last_sequence: 1 })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_sequence: sql`receipt_counters.last_sequence + 1` }))
    .returning('last_sequence')
    .executeTakeFirstOrThrow();
  return sequence;
}

export async function insertReceipt(trx: Trx, receipt: { donation_id: string; year: number; sequence: number; number: string; issued_at: Date }): Promise<Receipt> {
  return trx.insertInto('receipts').values(receipt).returningAll().executeTakeFirstOrThrow();
}

/** A receipt with everything its email and printable page show. */
export async function findReceipt(db: Db, receiptId: string) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .select([
      'receipts.id',
      'receipts.number',
      'receipts.issued_at',
      'donations.id as donation_id',
      'donations.amount',
      'donations.currency',
      'donations.frequency',
      'donations.payment_method',
      'donations.dedication_kind',
      'donations.dedication_name',
      'donations.donor_name',
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

export async function findStatementDonor(db: Db, donorId: number) {
  return db.selectFrom('donors').select(['email', 'name', 'locale']).where('id', '=', donorId).executeTakeFirst();
}

/** Owes a statement to every donor with a standing receipted gift in `year`; returns how many were new. */
export async function oweStatementsForYear(db: Db, year: number): Promise<number> {
  const inserted = await sql<{ id: number }>`
    insert into outbox (topic, dedupe_key, payload)
    select distinct 'annual_statement', 'statement-' || ${year} || '-' || d.donor_id, jsonb_build_object('donorId', d.donor_id, 'year', ${year}::int)
    from receipts r join donations d on d.id = r.donation_id
    where r.year = ${year} and d.donor_id is not null and d.status in ('succeeded', 'partially_refunded')
    on conflict (dedupe_key) do nothing
    returning id`.execute(db);
  return inserted.rows.length;
}

/** A donor's standing receipted gifts of `year`, in receipt order, each with what it kept after refunds. */
export async function statementGifts(db: Db, donorId: number, year: number) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .select(['receipts.number', 'receipts.issued_at', 'donations.amount', 'donations.currency', 'campaigns.title'])
    .select((eb) =>
      eb
        .selectFrom('ledger_entries')
        .select((l) => l.fn.coalesce(l.fn.sum<string>('ledger_entries.amount'), sql<string>`0`).as('kept'))
        .whereRef('ledger_entries.donation_id', '=', 'donations.id')
        .as('kept'),
    )
    .where('donations.donor_id', '=', donorId)
    .where('receipts.year', '=', year)
    .where('donations.status', 'in', standingStatuses)
    .orderBy('receipts.sequence')
    .execute();
}

export type StatementGift = Awaited<ReturnType<typeof statementGifts>>[number];
