import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from './columns';

export type RecurringInterval = 'month' | 'year';

export type RecurringPlanStatus = 'incomplete' | 'active' | 'past_due' | 'paused' | 'canceled';

/** A monthly or yearly gift: a Stripe subscription seen from our side. Each payment is a donation. */
export interface RecurringPlanTable {
  id: Generated<string>;
  donor_id: Nullable<number>;
  campaign_id: number;
  /** Minor units of currency, per interval. */
  amount: number;
  currency: string;
  interval: RecurringInterval;
  status: ColumnType<RecurringPlanStatus, RecurringPlanStatus | undefined, RecurringPlanStatus>;
  stripe_subscription_id: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  canceled_at: NullableTimestamp;
  /** The number (sequence stripe_reads) of the Stripe reads the plan was last synced from; null before any. */
  stripe_read: ColumnType<string | null, never, string>;
}

export type RecurringPlan = Selectable<RecurringPlanTable>;
