// The queries behind reconciliation: our ledger rows beside Stripe's, the day's lock, the stored events
// still to apply, and the discrepancies recorded, cleared, resolved and listed.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { DiscrepancyKind, NewReconciliationDiscrepancy } from '../../tables/reconciliation-discrepancies.table';

/** A ledger row as reconciliation compares it. */
export interface LedgerRowForReconciling {
  id: number;
  donation_id: string;
  stripe_balance_transaction_id: string;
  stripe_object_id: string | null;
  settlement_amount: number;
  settlement_currency: string;
  fee: number;
  net: number;
}

const ledgerColumns = ['id', 'donation_id', 'stripe_balance_transaction_id', 'stripe_object_id', 'settlement_amount', 'fee', 'net'] as const;

/** Our Stripe rows that occurred in [from, to), or those of these balance transactions. */
export async function listLedgerRowsForReconciling(db: Db, filter: { between: [Date, Date] } | { ids: string[] }): Promise<LedgerRowForReconciling[]> {
  if ('ids' in filter && filter.ids.length === 0) return [];
  let query = db
    .selectFrom('ledger_entries')
    .select([...ledgerColumns, sql<string>`trim(settlement_currency)`.as('settlement_currency')])
    // Rows without a balance transaction (money that never went through Stripe) are not Stripe's to confirm.
    .where('stripe_balance_transaction_id', 'is not', null);
  query = 'ids' in filter ? query.where('stripe_balance_transaction_id', 'in', filter.ids) : query.where('occurred_at', '>=', filter.between[0]).where('occurred_at', '<', filter.between[1]);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, stripe_balance_transaction_id: row.stripe_balance_transaction_id! }));
}

/** Of these stored Stripe events, the ids of those not applied yet. */
export async function listUnappliedEventIds(db: Db, eventIds: string[]): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const rows = await db.selectFrom('stripe_events').select('id').where('id', 'in', eventIds).where('processed_at', 'is', null).execute();
  return rows.map((row) => row.id);
}

/** Two runs of one day take turns, so the second sees the first's rows: held until the transaction ends. */
export async function lockReconciliationDay(trx: Trx, day: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`reconcile:${day}`}))`.execute(trx);
}

/** Records each discrepancy once per (day, kind, balance transaction); returns the ids of those new. */
export async function insertDiscrepancies(trx: Trx, day: string, found: Array<Omit<NewReconciliationDiscrepancy, 'day'>>): Promise<number[]> {
  if (found.length === 0) return [];
  const rows = await trx
    .insertInto('reconciliation_discrepancies')
    .values(found.map((d) => ({ ...d, day })))
    .onConflict((oc) => oc.columns(['day', 'kind', 'stripe_balance_transaction_id']).doNothing())
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export function listOpenDiscrepanciesOfDay(trx: Trx, day: string): Promise<Array<{ id: number; kind: DiscrepancyKind; stripe_balance_transaction_id: string }>> {
  return trx.selectFrom('reconciliation_discrepancies').select(['id', 'kind', 'stripe_balance_transaction_id']).where('day', '=', day).where('resolved_at', 'is', null).execute();
}

/** Marks these open discrepancies resolved by the run, which no longer found them. */
export async function clearDiscrepancies(trx: Trx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('reconciliation_discrepancies')
    // No note: "resolved by the reconciliation run" and the time, in the reader's language and zone, say it all.
    .set({ resolved_at: sql`now()` })
    .where('id', 'in', ids)
    .where('resolved_at', 'is', null)
    .execute();
}

/** The discrepancy, locked until the transaction ends, so that two people cannot resolve it at once. */
export function lockDiscrepancy(trx: Trx, id: number) {
  return trx.selectFrom('reconciliation_discrepancies').select(['id', 'kind', 'stripe_balance_transaction_id', 'resolved_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function markDiscrepancyResolved(trx: Trx, id: number, staffId: number, note: string) {
  return trx
    .updateTable('reconciliation_discrepancies')
    .set({ resolved_at: sql`now()`, resolved_by: staffId, note })
    .where('id', '=', id)
    .returning(['resolved_at', 'resolved_by', 'note'])
    .executeTakeFirstOrThrow();
}

/** Discrepancies as the page and the CSV show them, with who resolved each. */
function discrepancies(db: Db) {
  return db
    .selectFrom('reconciliation_discrepancies as d')
    .leftJoin('staff_members as s', 's.id', 'd.resolved_by')
    .select([
      'd.id',
      sql<string>`d.day::text`.as('day'),
      'd.kind',
      'd.stripe_balance_transaction_id',
      'd.stripe_object_id',
      'd.reporting_category',
      sql<string>`trim(d.currency)`.as('currency'),
      'd.stripe_amount',
      'd.stripe_fee',
      'd.stripe_net',
      'd.ledger_amount',
      'd.ledger_fee',
      'd.ledger_net',
      'd.donation_id',
      'd.found_at',
      'd.resolved_at',
      'd.note',
      's.name as resolved_by_name',
    ]);
}

/** The open discrepancies, the latest day first. */
export function listOpenDiscrepancies(db: Db) {
  return discrepancies(db).where('d.resolved_at', 'is', null).orderBy('d.day', 'desc').orderBy('d.id').execute();
}

/** The discrepancies resolved last, the latest first. */
export function listResolvedDiscrepancies(db: Db, limit = 200) {
  return discrepancies(db).where('d.resolved_at', 'is not', null).orderBy('d.resolved_at', 'desc').orderBy('d.id', 'desc').limit(limit).execute();
}

export type DiscrepancyRow = Awaited<ReturnType<typeof listOpenDiscrepancies>>[number];

/** Every discrepancy (or only the open or resolved ones) in the order of days, streamed for the CSV. */
export function streamDiscrepancies(db: Db, status?: 'open' | 'resolved'): AsyncIterable<DiscrepancyRow> {
  let query = discrepancies(db).orderBy('d.day').orderBy('d.id');
  if (status === 'open') query = query.where('d.resolved_at', 'is', null);
  if (status === 'resolved') query = query.where('d.resolved_at', 'is not', null);
  return query.stream(100);
}
