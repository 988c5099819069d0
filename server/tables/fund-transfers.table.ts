import type { Generated, Insertable, Selectable } from 'kysely';
import type { Nullable, Timestamp } from './columns';

/**
 * Restricted money carried from one round to another of the same mission: the only way a round's balance
 * moves, never more than the round holds in that currency. Append-only: a reversal keeps the transfer's
 * direction with the amount negated, naming it in `reverses_id`, once.
 */
export interface FundTransferTable {
  id: Generated<number>;
  from_campaign_id: number;
  to_campaign_id: number;
  /** Minor units of `currency`: above zero, or below it for a reversal. */
  amount: number;
  currency: string;
  /** Why the money moved; for a reversal, why it was taken back. */
  note: string;
  reverses_id: Nullable<number>;
  recorded_by: number;
  recorded_at: Timestamp;
}

export type FundTransfer = Selectable<FundTransferTable>;
export type NewFundTransfer = Insertable<FundTransferTable>;
