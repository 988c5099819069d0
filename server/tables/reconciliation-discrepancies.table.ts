import type { ColumnType, Generated, Insertable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from './columns';

export type DiscrepancyKind = 'missing_in_ledger' | 'amount_mismatch' | 'unknown_in_stripe';

/**
 * A difference the reconciliation found between Stripe's balance transactions of a day and our ledger;
 * one row per (day, kind, balance transaction), open until resolved. Amounts are minor units of
 * `currency`, the settlement currency.
 */
export interface ReconciliationDiscrepancyTable {
  id: Generated<number>;
  /** The day reconciled (YYYY-MM-DD), a calendar day in the organisation's time zone. */
  day: ColumnType<string, string, never>;
  kind: DiscrepancyKind;
  stripe_balance_transaction_id: string;
  /** The balance transaction's source: the charge, refund or dispute. */
  stripe_object_id: Nullable<string>;
  reporting_category: Nullable<string>;
  currency: string;
  /** What Stripe says; null for unknown_in_stripe. */
  stripe_amount: Nullable<number>;
  stripe_fee: Nullable<number>;
  stripe_net: Nullable<number>;
  ledger_entry_id: Nullable<number>;
  donation_id: Nullable<string>;
  /** What our ledger says (settlement_amount, fee, net); null for missing_in_ledger. */
  ledger_amount: Nullable<number>;
  ledger_fee: Nullable<number>;
  ledger_net: Nullable<number>;
  found_at: Timestamp;
  resolved_at: NullableTimestamp;
  /** Null with resolved_at set: a later run no longer found it (a missed webhook recovered). */
  resolved_by: Nullable<number>;
  note: Nullable<string>;
}

export type NewReconciliationDiscrepancy = Insertable<ReconciliationDiscrepancyTable>;
