// The one Database interface, composed from the tables (server/tables/, one file each), and the Kysely instance that speaks it.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { migrateToLatest, type MigrationOutcome } from '../db/migrate';
import type { CampaignGiverTable } from './tables/campaign-givers.table';
import type { CampaignPresetTable } from './tables/campaign-presets.table';
import type { CampaignTable } from './tables/campaigns.table';
import type { CampaignTotalTable } from './tables/campaign-totals.table';
import type { CardDeclineTable } from './tables/card-declines.table';
import type { DonationTable } from './tables/donations.table';
import type { LedgerEntryTable } from './tables/ledger-entries.table';
import type { RecurringPlanTable } from './tables/recurring-plans.table';
import type { DonorSessionTable } from './tables/donor-sessions.table';
import type { DonorSignInLinkTable } from './tables/donor-sign-in-links.table';
import type { DonorTable } from './tables/donors.table';
import type { DonorConsentTable } from './tables/donor-consents.table';
import type { ReconciliationDiscrepancyTable } from './tables/reconciliation-discrepancies.table';
import type { RefundRequestTable } from './tables/refund-requests.table';
import type { ImpactDeliveryTable } from './tables/impact-deliveries.table';
import type { ImpactUpdateTable } from './tables/impact-updates.table';
import type { OutboxTable } from './tables/outbox.table';
import type { ReceiptCounterTable } from './tables/receipt-counters.table';
import type { ReceiptTable } from './tables/receipts.table';
import type { AuditLogTable } from './tables/audit-log.table';
import type { StaffMemberTable } from './tables/staff-members.table';
import type { StaffPasswordLinkTable } from './tables/staff-password-links.table';
import type { StaffSessionTable } from './tables/staff-sessions.table';
import type { StaffSignInNetworkTable } from './tables/staff-sign-in-networks.table';
import type { StripeEventTable } from './tables/stripe-events.table';
import type { MissionTable } from './tables/missions.table';
import type { RecurringPlanMoveTable } from './tables/recurring-plan-moves.table';
import type { RoundSpendingTable } from './tables/round-spending.table';
import type { RoundSpendingAttachmentTable } from './tables/round-spending-attachments.table';
import type { RoundOutcomeTable } from './tables/round-outcomes.table';
import type { FundTransferTable } from './tables/fund-transfers.table';
import type { RoundReportShareTable, RoundReportTable } from './tables/round-reports.table';
import type { PartnerReceiptTable } from './tables/partner-receipts.table';
import type { GiftDayCountTable, GiftDayTotalTable } from './tables/gift-day-totals.table';
import type { CampaignDonorCountTable } from './tables/campaign-donor-counts.table';

export interface Database {
  missions: MissionTable;
  campaigns: CampaignTable;
  campaign_presets: CampaignPresetTable;
  campaign_totals: CampaignTotalTable;
  campaign_givers: CampaignGiverTable;
  donors: DonorTable;
  donor_sign_in_links: DonorSignInLinkTable;
  donor_sessions: DonorSessionTable;
  donor_consents: DonorConsentTable;
  recurring_plans: RecurringPlanTable;
  recurring_plan_moves: RecurringPlanMoveTable;
  donations: DonationTable;
  ledger_entries: LedgerEntryTable;
  card_declines: CardDeclineTable;
  refund_requests: RefundRequestTable;
  reconciliation_discrepancies: ReconciliationDiscrepancyTable;
  stripe_events: StripeEventTable;
  receipt_counters: ReceiptCounterTable;
  receipts: ReceiptTable;
  outbox: OutboxTable;
  staff_members: StaffMemberTable;
  staff_sessions: StaffSessionTable;
  staff_sign_in_networks: StaffSignInNetworkTable;
  staff_password_links: StaffPasswordLinkTable;
  audit_log: AuditLogTable;
  impact_updates: ImpactUpdateTable;
  impact_deliveries: ImpactDeliveryTable;
  round_spending: RoundSpendingTable;
  round_spending_attachments: RoundSpendingAttachmentTable;
  round_outcomes: RoundOutcomeTable;
  fund_transfers: FundTransferTable;
  round_reports: RoundReportTable;
  round_report_shares: RoundReportShareTable;
  partner_receipts: PartnerReceiptTable;
  gift_day_counts: GiftDayCountTable;
  gift_day_totals: GiftDayTotalTable;
  campaign_donor_counts: CampaignDonorCountTable;
}

export type Db = Kysely<Database>;
/** Inside `db.transaction().execute(…)`: a function that locks rows takes this, so it cannot be called outside one. */
export type Trx = Transaction<Database>;


const INT8_OID = 20;
const DATE_OID = 1082;

// Money lives in bigint columns as minor units; every real amount fits in a JS number, and one that
// does not is a bug we want to hear about rather than a silently rounded gift.
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} is beyond the safe integer range`);
  return parsed;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    // A calendar day is not an instant: kept as its YYYY-MM-DD text rather than a Date at local midnight.
    if (oid === DATE_OID && format !== 'binary') return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface DbOptions {
  /** Largest number of pooled connections. */
  max?: number;
  /** Told when an idle pooled connection fails. */
  onIdleError?: (error: Error) => void;
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    types,
  });
  // An idle connection dropped by the server (a restart, a failover) is an 'error' on the pool; pg has
  // already discarded that client and the next query opens a new one, so it must not crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  // A client checked out but between queries (a transaction waiting on SMTP) has no listener of pg-pool's,
  // so a dropped connection would be an unhandled 'error' that ends the process. The query that runs on it
  // fails anyway and the pool discards it on release; nothing more to do here.
  pool.on('connect', (client) => client.on('error', () => undefined));
  // The cursor lets `.stream()` read a large result (a CSV export) a few rows at a time.
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}

/** Brings the database at `url` up to date over a short-lived connection; run before serving. */
export async function migrateDatabase(url: string): Promise<MigrationOutcome> {
  const db = createDb(url, { max: 1 });
  try {
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

/**
 * The connections exports stream through, apart from the request pool: an export holds its connection
 * for as long as the client takes to download, and a few slow downloads must not starve the pages.
 * More exports than this at once wait their turn, for up to 30 s before the request fails.
 */
export function exportConnections(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 30_000, idleTimeoutMillis: 5_000, allowExitOnIdle: true, application_name: 'smilefund export' });
  // An idle connection dropped by the server is discarded by pg-pool; the next export opens another.
  pool.on('error', () => undefined);
  return pool;
}
