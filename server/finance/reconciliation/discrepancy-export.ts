// The reconciliation CSV: one row per discrepancy, under the column names and values finance's tools read.
import type { Response } from 'express';
import { csvAmount, csvTime, sendCsv, zonedColumn } from '../csv';
import type { DiscrepancyRow } from './reconciliation.repository';

const columns = [
  'id',
  'day',
  'kind',
  'status',
  'balance_transaction_id',
  'stripe_object_id',
  'reporting_category',
  'currency',
  'stripe_amount',
  'stripe_fee',
  'stripe_net',
  'ledger_amount',
  'ledger_fee',
  'ledger_net',
  'donation_id',
  'found_at',
  'resolved_at',
  'resolved_by',
  'note',
];

/** Instants in `timeZone` (the organisation's), which their headers name, as `day` is its day. */
export function sendDiscrepanciesCsv(res: Response, filename: string, rows: AsyncIterable<DiscrepancyRow>, timeZone: string): Promise<void> {
  const header = columns.map((name) => (name === 'found_at' || name === 'resolved_at' ? zonedColumn(name, timeZone) : name));
  return sendCsv(res, filename, header, rows, (d) => [
    d.id,
    d.day,
    d.kind,
    d.resolved_at ? 'resolved' : 'open',
    d.stripe_balance_transaction_id,
    d.stripe_object_id,
    d.reporting_category,
    d.currency,
    csvAmount(d.stripe_amount, d.currency),
    csvAmount(d.stripe_fee, d.currency),
    csvAmount(d.stripe_net, d.currency),
    csvAmount(d.ledger_amount, d.currency),
    csvAmount(d.ledger_fee, d.currency),
    csvAmount(d.ledger_net, d.currency),
    d.donation_id,
    csvTime(d.found_at, timeZone),
    csvTime(d.resolved_at, timeZone),
    d.resolved_by_name ?? (d.resolved_at ? 'reconciliation run' : null),
    d.note,
  ]);
}
