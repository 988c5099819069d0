import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Nullable, Timestamp } from './columns';

export type SpendingCategory = 'surgeries' | 'hospital_stays' | 'travel' | 'medicine' | 'training' | 'other';

/**
 * What a round of a mission spent, as finance records it: one row per payment, in the currency paid.
 * Append-only (a trigger refuses updates and deletes): a mistake is taken back by a row of the negated
 * amount naming it in `reverses_id`, in the same round, category and currency, once.
 */
export interface RoundSpendingTable {
  id: Generated<number>;
  /** The round (a campaign of a mission) whose restricted money paid. */
  campaign_id: number;
  category: SpendingCategory;
  /** Minor units of `currency`: above zero, or below it for a reversal. */
  amount: number;
  currency: string;
  /** The day the money was paid out, in the organisation's calendar; a reversal keeps the day of the row it takes back. */
  spent_on: ColumnType<string, string, never>;
  /** What was paid for; for a reversal, why it was taken back. */
  note: string;
  reverses_id: Nullable<number>;
  recorded_by: number;
  recorded_at: Timestamp;
}

export type RoundSpending = Selectable<RoundSpendingTable>;
export type NewRoundSpending = Insertable<RoundSpendingTable>;
