import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Nullable, NullableTimestamp, Timestamp } from './columns';

/** Why a receipt stopped standing: less was kept (a refund, a dispute), its record was corrected, or money came back to the gift. */
export type ReceiptVoidReason = 'refund' | 'dispute' | 'correction' | 'reinstated';

/**
 * A charitable receipt: numbered once, in the transaction that changed the gift's money, never reused. A gift's first receipt
 * certifies what was given; a refund, a lost dispute or a correction voids the standing one and, when
 * something is kept, a replacement certifies that. At most one receipt of a gift stands (voided_at null).
 */
export interface ReceiptTable {
  id: Generated<string>;
  donation_id: string;
  /** The calendar year the number was taken in, with `sequence`. */
  year: number;
  sequence: number;
  /** "2026-000123": year, then the sequence within it. */
  number: string;
  /** What the receipt certifies, in minor units of `currency`: the gift, or what a replacement says it kept. */
  amount: number;
  currency: string;
  /** When the gift was given: a replacement keeps its original's, so the gift stays in its year. */
  given_at: ColumnType<Date, Date | string, never>;
  issued_at: ColumnType<Date, Date | string, never>;
  /** The receipt this one replaces; null for a gift's first. */
  replaces_receipt_id: ColumnType<string | null, string | null | undefined, never>;
  voided_at: NullableTimestamp;
  void_reason: Nullable<ReceiptVoidReason>;
  created_at: Timestamp;
}

export type Receipt = Selectable<ReceiptTable>;
