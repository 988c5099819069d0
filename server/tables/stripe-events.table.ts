import type { ColumnType } from 'kysely';
import type { Timestamp, Jsonb, Nullable, NullableTimestamp } from './columns';

/** Every webhook event, stored once before it is answered; processed_at is set in the transaction that applies it. */
export interface StripeEventTable {
  id: string;
  type: string;
  payload: Jsonb<unknown>;
  stripe_created_at: ColumnType<Date, Date | string, never>;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: Nullable<string>;
}
