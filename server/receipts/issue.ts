// Receipts and the emails a gift owes, written inside the gift's own transaction.
import type { Trx } from '../database';
import { oweEmail } from '../outbox/outbox.repository';
import type { Receipt } from '../tables/receipts.table';
import { findReceiptOfDonation, insertReceipt, takeNextReceiptSequence } from './receipt.repository';

// Building a formatter costs more than the rest of numbering a receipt; there is one time zone.
const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The year a receipt is numbered in: the organisation's calendar year on the day of the gift. */
export function receiptYear(issuedAt: Date, timeZone: string): number {
  let format = yearFormats.get(timeZone);
  if (!format) yearFormats.set(timeZone, (format = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone })));
  return Number(format.format(issuedAt));
}

export function receiptNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(6, '0')}`;
}

/**
 * Numbers the gift's receipt and owes its email, inside the gift's transaction: the receipt counter
 * stays locked until it ends (see takeNextReceiptSequence).
 */
export async function issueReceipt(trx: Trx, donation: { id: string }, issuedAt: Date, timeZone: string): Promise<Receipt> {
  const existing = await findReceiptOfDonation(trx, donation.id);
  if (existing) return existing;
  const year = receiptYear(issuedAt, timeZone);
  const sequence = await takeNextReceiptSequence(trx, year);
  const receipt = await insertReceipt(trx, { donation_id: donation.id, year, sequence, number: receiptNumber(year, sequence), issued_at: issuedAt });
  await oweEmail(trx, 'receipt', `receipt-${donation.id}`, { receiptId: receipt.id });
  return receipt;
}
