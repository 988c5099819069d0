// The payouts CSV: one row per balance transaction of the chosen payouts, under the column names finance's tools read.
import type { Response } from 'express';
import { csvAmount, sendCsv } from '../csv';
import { unixDate, type PayoutExportRow } from './payouts';

const header = [
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

export function sendPayoutsCsv(res: Response, filename: string, rows: AsyncIterable<PayoutExportRow>): Promise<void> {
  return sendCsv(res, filename, header, rows, ({ payout, line }) => [
    payout.id,
    unixDate(payout.created),
    unixDate(payout.arrival_date).toISOString().slice(0, 10),
    payout.status,
    csvAmount(payout.amount, payout.currency.toUpperCase()),
    line.id,
    line.created,
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
