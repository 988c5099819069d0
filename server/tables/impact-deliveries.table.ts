import type { NullableTimestamp } from './columns';

/** One donor's copy of an impact update: a row per (update, donor), sent or skipped at most once. */
export interface ImpactDeliveryTable {
  update_id: number;
  donor_id: number;
  sent_at: NullableTimestamp;
  /** Set instead of sent_at when the donor said no to news (or was found without a yes) between the fan-out and the send. */
  skipped_at: NullableTimestamp;
}
