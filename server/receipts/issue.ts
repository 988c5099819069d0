// Receipts and the emails a gift owes, written inside the gift's own transaction.
import { sql } from 'kysely';
import type { Db } from '../database';
import { oweEmail } from '../outbox/outbox';
import type { Receipt } from './receipt.table';

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
 * Numbers the gift's receipt and owes its email. The counter row stays locked until the transaction
 * ends, so concurrent gifts take consecutive numbers, and a rolled-back gift gives its number back.
 */
export async function issueReceipt(trx: Db, donation: { id: string }, issuedAt: Date, timeZone: string): Promise<Receipt> {
  const existing = await trx.selectFrom('receipts').selectAll().where('donation_id', '=', donation.id).executeTakeFirst();
  if (existing) return existing;
  const year = receiptYear(issuedAt, timeZone);
  const { last_sequence: sequence } = await trx
    .insertInto('receipt_counters')
    .values({ year, last_sequence: 1 })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_sequence: sql`receipt_counters.last_sequence + 1` }))
    .returning('last_sequence')
    .executeTakeFirstOrThrow();
  const receipt = await trx
    .insertInto('receipts')
    .values({ donation_id: donation.id, year, sequence, number: receiptNumber(year, sequence), issued_at: issuedAt })
    .returningAll()
    .executeTakeFirstOrThrow();
  await oweEmail(trx, 'receipt', `receipt-${donation.id}`, { receiptId: receipt.id });
  return receipt;
}
