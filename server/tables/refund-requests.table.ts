import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Nullable } from './columns';

export type RefundRequestStatus = 'requested' | 'accepted' | 'refused';

/**
 * A refund finance asked Stripe for, one per (donation, attempt). The attempt number travels in the
 * refund form and into the idempotency key, so a form sent twice asks Stripe once. The ledger is only
 * written when Stripe's webhook confirms the refund.
 */
export interface RefundRequestTable {
  id: Generated<number>;
  donation_id: string;
  attempt: number;
  /** Minor units of currency (the donation's). */
  amount: number;
  currency: string;
  reason: string;
  requested_by: number;
  /** requested: sent, or about to be, with no answer yet; accepted: Stripe made the refund; refused: Stripe said no. */
  status: ColumnType<RefundRequestStatus, RefundRequestStatus | undefined, RefundRequestStatus>;
  stripe_refund_id: Nullable<string>;
  failure_message: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type RefundRequest = Selectable<RefundRequestTable>;
