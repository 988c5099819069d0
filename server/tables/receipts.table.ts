import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp } from './columns';

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
