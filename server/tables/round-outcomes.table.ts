import type { Generated, Insertable, Selectable } from 'kysely';
import type { Nullable, Timestamp } from './columns';

/** Children operated, by procedure (each child counted once, under the main procedure), and speech-therapy sessions given. */
export type OutcomeKind = 'cleft_lip_repair' | 'cleft_palate_repair' | 'other_operation' | 'speech_therapy_session';

/**
 * What a round achieved, as its campaign manager records it. Append-only like round_spending: a mistake is
 * taken back by a row of the negated count naming it in `reverses_id`, once.
 */
export interface RoundOutcomeTable {
  id: Generated<number>;
  campaign_id: number;
  kind: OutcomeKind;
  /** What an other_operation was ("alveolar bone graft"), as typed; null for every other kind. */
  label: Nullable<string>;
  /** Above zero, or below it for a reversal. */
  count: number;
  /** Anything worth keeping beside the count; for a reversal, why it was taken back. */
  note: string;
  reverses_id: Nullable<number>;
  recorded_by: number;
  recorded_at: Timestamp;
}

export type RoundOutcome = Selectable<RoundOutcomeTable>;
export type NewRoundOutcome = Insertable<RoundOutcomeTable>;
