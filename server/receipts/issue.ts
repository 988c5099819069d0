// Receipts and the emails a gift owes, written inside the gift's own transaction.
import { randomUUID } from 'node:crypto';
import type { Trx } from '../database';
import { oweEmail } from '../outbox/outbox.repository';
import type { Money } from '../money';
import type { Receipt, ReceiptVoidReason } from '../tables/receipts.table';
import { findLatestReceiptOfDonation, findReceiptOfDonation, insertNumberedReceipt, voidReceipt } from './receipt.repository';

// Building a formatter costs more than the rest of numbering a receipt; there is one time zone.
const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The year a receipt is numbered in: the organisation's calendar year on the day of the gift. */
export function receiptYear(issuedAt: Date, timeZone: string): number {
  let format = yearFormats.get(timeZone);
  if (!format) yearFormats.set(timeZone, (format = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone })));
  return Number(format.format(issuedAt));
}

/**
 * Owes the gift's receipt email and numbers its receipt, inside the gift's transaction, in that order: the
 * receipt counter stays locked from its number until the transaction ends (see insertNumberedReceipt), and
 * every gift waits on it, so nothing else of the gift's is left to do by then.
 */
export async function issueReceipt(trx: Trx, donation: { id: string; amount: number; currency: string }, issuedAt: Date, timeZone: string): Promise<Receipt> {
  const existing = await findReceiptOfDonation(trx, donation.id);
  if (existing) return existing;
  const id = randomUUID();
  await oweEmail(trx, 'receipt', `receipt-${donation.id}`, { receiptId: id });
  return insertNumberedReceipt(trx, receiptYear(issuedAt, timeZone), { id, donation_id: donation.id, amount: donation.amount, currency: donation.currency, given_at: issuedAt, issued_at: issuedAt });
}

/** What bringing a gift's receipt in line did: the receipt it voided (if one stood) and the one it numbered (if something is kept). */
export interface ReceiptChange {
  voided: Receipt | null;
  replacement: Receipt | null;
}

/**
 * Makes the gift's receipts certify what it kept, inside the transaction that changed its ledger: the
 * standing receipt is voided and, if anything is kept, a replacement is numbered for that, citing the
 * receipt it replaces and keeping the gift's date unless a correction moved it (`givenAt`). Money that
 * comes back (a failed refund, a won dispute) gets a replacement too, the old receipt voided as
 * 'reinstated'. `reason` says why less is kept, or that the record was corrected. Nothing happens when
 * the standing receipt already says what was kept, so a redelivered event changes nothing; undefined
 * then, or when the gift was never receipted.
 */
export async function bringReceiptInLine(
  trx: Trx,
  donationId: string,
  kept: Money,
  at: Date,
  reason: Exclude<ReceiptVoidReason, 'reinstated'>,
  timeZone: string,
  givenAt?: Date,
): Promise<ReceiptChange | undefined> {
  const latest = await findLatestReceiptOfDonation(trx, donationId);
  if (!latest) return undefined;
  const stands = latest.voided_at === null;
  const dated = givenAt ?? latest.given_at;
  if (stands && latest.amount === kept.amount && latest.currency === kept.currency && latest.given_at.getTime() === dated.getTime()) return undefined;
  if (!stands && kept.amount <= 0) return undefined;
  const more = kept.currency === latest.currency && kept.amount > latest.amount;
  const voided = stands ? await voidReceipt(trx, latest.id, at, more && reason !== 'correction' ? 'reinstated' : reason) : null;
  if (kept.amount <= 0) return { voided, replacement: null };
  const replacement = await insertNumberedReceipt(trx, receiptYear(at, timeZone), {
    id: randomUUID(),
    donation_id: donationId,
    amount: kept.amount,
    currency: kept.currency,
    given_at: dated,
    issued_at: at,
    replaces_receipt_id: latest.id,
  });
  return { voided, replacement };
}
