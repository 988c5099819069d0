// The reconciliation CSV: one row per discrepancy, under the column names and values finance's tools read.
import type { Response } from 'express';
import { csvAmount, sendCsv } from '../csv';
import type { DiscrepancyRow } from './reconciliation.repository';

const header = [
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

export function sendDiscrepanciesCsv(res: Response, filename: string, rows: AsyncIterable<DiscrepancyRow>): Promise<void> {
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
    d.found_at,
    d.resolved_at,
    d.resolved_by_name ?? (d.resolved_at ? 'reconciliation run' : null),
    d.note,
  ]);
}
