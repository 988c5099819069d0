// The payouts CSV: one row per balance transaction of the chosen payouts, under the column names finance's tools read.
import type { Response } from 'express';
import { csvAmount, csvTime, sendCsv, zonedColumn } from '../csv';
import { unixDate, type PayoutExportRow } from './payouts';

const columns = [
  'payout_id',
  'payout_created',
  'payout_arrival_date',
  'payout_status',
  'payout_amount',
  'balance_transaction_id',
  'created',
  'type',
  'reporting_category',
  'source',
  'currency',
  'amount',
  'fee',
  'net',
  'match',
  'ledger_kind',
  'donation_id',
  'campaign',
];

/** Instants in `timeZone` (the organisation's), which their headers name; Stripe's arrival date is its own day. */
export function sendPayoutsCsv(res: Response, filename: string, rows: AsyncIterable<PayoutExportRow>, timeZone: string): Promise<void> {
  const header = columns.map((name) => (name === 'payout_created' || name === 'created' ? zonedColumn(name, timeZone) : name));
  return sendCsv(res, filename, header, rows, ({ payout, line }) => [
    payout.id,
    csvTime(unixDate(payout.created), timeZone),
    unixDate(payout.arrival_date).toISOString().slice(0, 10),
    payout.status,
    csvAmount(payout.amount, payout.currency.toUpperCase()),
    line.id,
    csvTime(line.created, timeZone),
    line.type,
    line.reportingCategory,
    line.sourceId,
    line.currency,
    csvAmount(line.amount, line.currency),
    csvAmount(line.fee, line.currency),
    csvAmount(line.net, line.currency),
    line.status,
    line.entry?.kind,
    line.entry?.donation_id ?? line.claimedDonationId,
    line.entry?.campaign_slug,
  ]);
}
