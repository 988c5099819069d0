import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Jsonb, Nullable, NullableTimestamp } from './columns';

export type OutboxTopic = 'receipt' | 'refund_notice' | 'payment_failed' | 'annual_statement' | 'sign_in_link' | 'staff_password_link' | 'staff_invitation' | 'plan_moved' | 'round_report';

/**
 * Emails owed to donors, written in the same transaction as what caused them; a relay copies each
 * row into BullMQ (job id = dedupe_key) and the sender marks it sent.
 */
export interface OutboxTable {
  id: Generated<number>;
  topic: OutboxTopic;
  /** One email per key, ever: "receipt-<donation id>", "refund-notice-<voided receipt id>". */
  dedupe_key: string;
  payload: Jsonb<Record<string, string | number | null>>;
  created_at: Timestamp;
  /** When the relay handed it to BullMQ; null while Redis was away. */
  queued_at: NullableTimestamp;
  /** When the SMTP server accepted it. */
  sent_at: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: Nullable<string>;
}

export type OutboxMessage = Selectable<OutboxTable>;
