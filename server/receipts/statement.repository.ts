// The annual statements' queries: whom a statement goes to, the receipts it lists, the fiscal years a
// donor has one for, and owing the year's statements. A statement lists a donor's standing receipts (not
// voided by a refund, a dispute or a correction: a replacement stands for what was kept) by the date of the
// gift, of gifts that still count (not lost to a dispute, nor disputed now).
import { sql } from 'kysely';
import type { Db } from '../database';
import { fiscalYearOf, type FiscalYearStart } from '../fiscal-year';
import { standingStatuses } from '../tables/donations.table';

/** [start, end) of a fiscal year: see fiscalYearBounds. */
export interface Period {
  start: Date;
  end: Date;
}

/** The donor a statement goes to: their address and language, and the name (with its kind) their latest paid gift gave. */
export async function findStatementDonor(db: Db, donorId: number) {
  return db.selectFrom('donors').select(['id', 'email', 'name', 'donor_type', 'locale']).where('id', '=', donorId).executeTakeFirst();
}

export type StatementDonor = NonNullable<Awaited<ReturnType<typeof findStatementDonor>>>;

function standingReceipts(db: Db) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .where('receipts.voided_at', 'is', null)
    .where('donations.status', 'in', standingStatuses);
}

/**
 * The donor's standing receipts of gifts given in `period`, in the order they were given, each for its own
 * amount and with whom its gift was given as (the person, or an organisation by its name and registration).
 */
export async function statementGifts(db: Db, donorId: number, period: Period) {
  return standingReceipts(db)
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .select(['receipts.number', 'receipts.given_at', 'receipts.issued_at', 'receipts.amount', 'receipts.currency', 'campaigns.title'])
    .select(['donations.donor_type', 'donations.donor_name', 'donations.donor_business_registration'])
    .where('donations.donor_id', '=', donorId)
    .where('receipts.given_at', '>=', period.start)
    .where('receipts.given_at', '<', period.end)
    .orderBy('receipts.given_at')
    .orderBy('receipts.number')
    .execute();
}

export type StatementGift = Awaited<ReturnType<typeof statementGifts>>[number];

/** The fiscal years the donor has a standing receipt in, newest first: the years a statement exists for. */
export async function statementYears(db: Db, donorId: number, fiscalYear: { start: FiscalYearStart; timeZone: string }): Promise<number[]> {
  const rows = await standingReceipts(db).select('receipts.given_at').distinct().where('donations.donor_id', '=', donorId).execute();
  const years = new Set(rows.map((row) => fiscalYearOf(row.given_at, fiscalYear.start, fiscalYear.timeZone)));
  return [...years].sort((a, b) => b - a);
}

/**
 * Owes fiscal year `year`'s statement to every donor with a standing receipt in `period`, once per donor and
 * year (the key names the year as people write it, "2026" or "2026-27" for 2026/27); returns how many were new.
 */
export async function oweStatementsForYear(db: Db, year: { year: number; label: string; period: Period }): Promise<number> {
  const inserted = await sql<{ id: number }>`
    insert into outbox (topic, dedupe_key, payload)
    select distinct 'annual_statement', ${`statement-${year.label.replace('/', '-')}-`} || d.donor_id, jsonb_build_object('donorId', d.donor_id, 'year', ${year.year}::int)
    from receipts r join donations d on d.id = r.donation_id
    where r.given_at >= ${year.period.start} and r.given_at < ${year.period.end} and r.voided_at is null
      and d.donor_id is not null and d.status in (${sql.join([...standingStatuses])})
    on conflict (dedupe_key) do nothing
    returning id`.execute(db);
  return inserted.rows.length;
}
