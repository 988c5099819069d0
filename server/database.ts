// The one Database interface, composed from each feature's tables, and the Kysely instance that speaks it.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { migrateToLatest, type MigrationOutcome } from '../db/migrate';
import type { CampaignGiverTable, CampaignPresetTable, CampaignTable, CampaignTotalTable } from './campaigns/campaign.table';
import type { CardDeclineTable, DonationTable, LedgerEntryTable, RecurringPlanTable } from './donations/donation.table';
import type { DonorSessionTable, DonorSignInLinkTable } from './donors/donor-account.table';
import type { DonorTable } from './donations/donor.table';
import type { ReconciliationDiscrepancyTable } from './finance/reconciliation/discrepancy.table';
import type { RefundRequestTable } from './finance/refund.table';
import type { ImpactDeliveryTable, ImpactUpdateTable } from './impact/impact.table';
import type { OutboxTable } from './outbox/outbox.table';
import type { ReceiptCounterTable, ReceiptTable } from './receipts/receipt.table';
import type { AuditLogTable, StaffMemberTable, StaffPasswordLinkTable, StaffSessionTable, StaffSignInNetworkTable } from './staff/staff.table';
import type { StripeEventTable } from './webhooks/stripe-event.table';

export interface Database {
  campaigns: CampaignTable;
  campaign_presets: CampaignPresetTable;
  campaign_totals: CampaignTotalTable;
  campaign_givers: CampaignGiverTable;
  donors: DonorTable;
  donor_sign_in_links: DonorSignInLinkTable;
  donor_sessions: DonorSessionTable;
  recurring_plans: RecurringPlanTable;
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
