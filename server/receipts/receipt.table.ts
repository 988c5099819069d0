// Receipt numbers and the receipts they number.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp } from '../column-types';

/** The last receipt number issued in a year. */
export interface ReceiptCounterTable {
  year: number;
  last_sequence: number;
}

/** The charitable receipt of one gift: numbered once, in the gift's own transaction, never reused. */
export interface ReceiptTable {
  id: Generated<string>;
  donation_id: string;
  year: number;
  sequence: number;
  /** "2026-000123": year, then the sequence within it. */
  number: string;
  issued_at: ColumnType<Date, Date | string, never>;
  created_at: Timestamp;
}

export type Receipt = Selectable<ReceiptTable>;
