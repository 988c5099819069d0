// A round's report and its givers' shares: the ledger summed per giver as the report reads it, the report
// frozen, whom its email goes to, and its shares as accounts, emails and finance read them back (the report
// itself is read through campaigns/round.repository.ts, below this room).
import { sql } from 'kysely';
import { campaignChangedChannel } from '../../campaign-cache';
import type { Db, Trx } from '../../database';
import { agreesToNews } from '../../impact/consent.repository';
import type { LocalizedText } from '../../locale';
import type { NewRoundReportShare, RoundReport, RoundReportTable } from '../../tables/round-reports.table';
import type { Insertable } from 'kysely';

/** What one giver's gifts to the campaign come to per pair of gift and settlement currencies, net of refunds, disputes and reversals. */
export interface GiverSum {
  who: string;
  donor_id: number | null;
  currency: string;
  settlement_currency: string;
  amount: number;
  settlement_amount: number;
  first_given_at: Date;
}

/** The campaign's ledger per giver (as campaign_givers names them) and pair of currencies, earliest giver first. */
export async function sumLedgerByGiver(trx: Trx, campaignId: number): Promise<GiverSum[]> {
  return trx
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select([
      sql<string>`coalesce(donations.donor_id::text, donations.id::text)`.as('who'),
      'donations.donor_id',
      'ledger_entries.currency',
      'ledger_entries.settlement_currency',
      sql<number>`sum(ledger_entries.amount)::bigint`.as('amount'),
      sql<number>`sum(ledger_entries.settlement_amount)::bigint`.as('settlement_amount'),
      sql<Date>`min(ledger_entries.occurred_at)`.as('first_given_at'),
    ])
    .where('ledger_entries.campaign_id', '=', campaignId)
    .groupBy([sql`1`, 'donations.donor_id', 'ledger_entries.currency', 'ledger_entries.settlement_currency'])
    .orderBy(sql`min(ledger_entries.occurred_at)`)
    .orderBy(sql`1`)
    .orderBy('ledger_entries.currency')
    .orderBy('ledger_entries.settlement_currency')
    .execute();
}

/** Freezes the report, and tells every web process at commit: the round's page and its mission's show it from now on. */
export async function insertReport(trx: Trx, report: Insertable<RoundReportTable>): Promise<RoundReport> {
  const row = await trx
    .insertInto('round_reports')
    .values({ ...report, procedures: sql`${JSON.stringify(report.procedures)}::jsonb` as never })
    .returningAll()
    .executeTakeFirstOrThrow();
  await sql`select pg_notify(${campaignChangedChannel}, ${String(report.campaign_id)})`.execute(trx);
  return row;
}

export async function insertShares(trx: Trx, shares: NewRoundReportShare[]): Promise<void> {
  for (let i = 0; i < shares.length; i += 1000) await trx.insertInto('round_report_shares').values(shares.slice(i, i + 1000)).execute();
}

/** Donors holding a share of the report who agree to news now, in id order: whom its email goes to. */
export async function listNewsRecipients(trx: Trx, campaignId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('round_report_shares')
    .select('donor_id')
    .distinct()
    .where('campaign_id', '=', campaignId)
    .where('donor_id', 'is not', null)
    .where(agreesToNews(sql.ref('round_report_shares.donor_id')))
    .orderBy('donor_id')
    .execute();
  return rows.map((row) => row.donor_id!);
}

/** Every share of the report, earliest giver first, with the giver's name (a donor's, or the one recorded on a gift without an email) and the donor's address. */
export async function listShares(db: Db, campaignId: number) {
  return db
    .selectFrom('round_report_shares')
    .leftJoin('donors', 'donors.id', 'round_report_shares.donor_id')
    // A gift without an email is its own giver: the name finance recorded on it (an organisation's cheque, say).
    .leftJoin('donations', 'donations.id', 'round_report_shares.donation_id')
    .select(['round_report_shares.who', 'round_report_shares.donor_id', 'round_report_shares.currency', 'round_report_shares.given', 'round_report_shares.counted', 'round_report_shares.first_given_at', 'donors.email'])
    .select(sql<string | null>`coalesce(donors.name, donations.donor_name)`.as('name'))
    .where('round_report_shares.campaign_id', '=', campaignId)
    .orderBy('round_report_shares.first_given_at')
    .orderBy('round_report_shares.who')
    .orderBy('round_report_shares.currency')
    .execute();
}

export type ReportShareRow = Awaited<ReturnType<typeof listShares>>[number];

/** A donor's share in one reported round, one row per currency they gave in, with the round and its mission. */
export interface DonorShareRow {
  campaign_id: number;
  slug: string;
  title: LocalizedText;
  mission_slug: string;
  mission_title: LocalizedText;
  report_currency: string;
  income: number;
  children_operated: number;
  speech_therapy_sessions: number;
  published_at: Date;
  currency: string;
  given: number;
  counted: number;
}

/** The donor's shares in every reported round, latest report first. */
export async function listDonorShares(db: Db, donorId: number): Promise<DonorShareRow[]> {
  return db
    .selectFrom('round_report_shares as s')
    .innerJoin('round_reports as r', 'r.campaign_id', 's.campaign_id')
    .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
    .innerJoin('missions as m', 'm.id', 'c.mission_id')
    .select(['s.campaign_id', 'c.slug', 'c.title', 'm.slug as mission_slug', 'm.title as mission_title', 'r.currency as report_currency', 'r.income', 'r.children_operated', 'r.speech_therapy_sessions', 'r.published_at', 's.currency', 's.given', 's.counted'])
    .where('s.donor_id', '=', donorId)
    .orderBy('r.published_at', 'desc')
    .orderBy('s.campaign_id', 'desc')
    .orderBy('s.currency')
    .execute();
}

/** The round's report as staff read it: with the name of whoever published it. */
export async function findReportWithPublisher(db: Db, campaignId: number) {
  return db
    .selectFrom('round_reports as r')
    .innerJoin('staff_members as m', 'm.id', 'r.published_by')
    .selectAll('r')
    .select('m.name as published_by_name')
    .where('r.campaign_id', '=', campaignId)
    .executeTakeFirst();
}

export type ReportWithPublisher = NonNullable<Awaited<ReturnType<typeof findReportWithPublisher>>>;

/** The emails the report owed its donors (one per donor who agreed to news when it was published), how many have gone, and how many were not sent as the donor had since said no. */
export async function countReportEmails(db: Db, campaignId: number): Promise<{ owed: number; sent: number; skipped: number }> {
  const row = await db
    .selectFrom('outbox')
    // Done without a word (last_error) is sent; done with one is skipped: the donor said no to news before it left.
    .select([
      sql<string>`count(*)`.as('owed'),
      sql<string>`count(*) filter (where sent_at is not null and last_error is null)`.as('sent'),
      sql<string>`count(*) filter (where sent_at is not null and last_error is not null)`.as('skipped'),
    ])
    .where('topic', '=', 'round_report')
    // As report.ts's reportEmailKey writes them: round-report-CAMPAIGN-DONOR.
    .where('dedupe_key', 'like', `round-report-${campaignId}-%`)
    .executeTakeFirstOrThrow();
  return { owed: Number(row.owed), sent: Number(row.sent), skipped: Number(row.skipped) };
}
