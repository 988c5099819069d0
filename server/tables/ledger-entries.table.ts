import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp, Nullable } from './columns';

/** reversal: takes back an offline row recorded by mistake (corrects_entry_id names it); only offline rows are reversed. */
export type LedgerKind = 'gift' | 'refund' | 'refund_reversal' | 'dispute' | 'dispute_won' | 'reversal';

/** stripe: one row per Stripe balance transaction; offline: money finance recorded by hand. */
export type LedgerSource = 'stripe' | 'offline';

export type OfflineMethod = 'cheque' | 'bank_transfer' | 'cash';

/**
 * Append-only record of money that moved: one row per Stripe balance transaction, or one per offline
 * gift or correction. `amount` is in the donation's currency, signed (gifts in, refunds, disputes and
 * reversals out); the settlement columns are what Stripe put in or took out of our balance, fee included.
 * An offline row settles as itself (settlement_currency = currency, settlement_amount = amount, exchange_rate
 * null), or, when the bank credited it in another currency, as what the bank credited, with the rate that
 * implies; always fee 0 and net = settlement_amount (a check constraint holds it). A mistake in an offline row is never
 * edited: a `reversal` row takes it back and a new `gift` row records what was right, both naming it in
 * corrects_entry_id.
 */
export interface LedgerEntryTable {
  id: Generated<number>;
  donation_id: string;
  campaign_id: number;
  kind: LedgerKind;
  amount: number;
  currency: string;
  settlement_amount: number;
  settlement_currency: string;
  /** Stripe's fee in the settlement currency; negative when Stripe gives a fee back (a dispute won). */
  fee: number;
  /** settlement_amount - fee. */
  net: number;
  /** Stripe's rate from currency to settlement_currency, as an exact decimal string; null when they are the same. */
  exchange_rate: ColumnType<string | null, string | null | undefined, never>;
  stripe_balance_transaction_id: Nullable<string>;
  /** The charge, refund or dispute the money moved for; null for an offline row. */
  stripe_object_id: Nullable<string>;
  /** For an offline row: when the money was received; for a reversal, when the mistake was corrected. */
  occurred_at: ColumnType<Date, Date | string, never>;
  created_at: Timestamp;
  source: ColumnType<LedgerSource, LedgerSource | undefined, never>;
  /** Offline rows only. */
  method: Nullable<OfflineMethod>;
  /** Offline rows only: the cheque number, the bank's transfer reference, the cash book page. */
  reference: Nullable<string>;
  /** Offline rows only: the staff member who recorded it. */
  recorded_by: Nullable<number>;
  /** The offline row this one reverses or replaces. */
  corrects_entry_id: Nullable<number>;
}

export type LedgerEntry = Selectable<LedgerEntryTable>;

export type NewLedgerEntry = Insertable<LedgerEntryTable>;
