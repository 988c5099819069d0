// Gifts, recurring plans, the ledger of money that moved, and declined cards.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from '../column-types';
import type { DonorType } from './donor.table';

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
}

export type DonationStatus = 'pending' | 'succeeded' | 'failed' | 'expired' | 'refunded' | 'partially_refunded' | 'disputed';

export type DonationFrequency = 'once' | RecurringInterval;

/**
 * checkout: our donate form; subscription: a renewal of a recurring plan; stripe: a payment begun elsewhere
 * (Payment Link, Dashboard); offline: a cheque, bank transfer or cash that finance recorded.
 */
export type DonationOrigin = 'checkout' | 'subscription' | 'stripe' | 'offline';

/** One payment a donor makes or tries to make. Its money lives in ledger_entries, never here. */
export interface DonationTable {
  /** Also Stripe's metadata.donation_id and client_reference_id. */
  id: Generated<string>;
  campaign_id: number;
  /** Null only for a payment made outside our site without any email. */
  donor_id: Nullable<number>;
  recurring_plan_id: Nullable<string>;
  frequency: DonationFrequency;
  /** What the donor chose to give, in minor units of currency. */
  amount: number;
  currency: string;
  /** Kept in line with the ledger by the Stripe event handlers. */
  status: ColumnType<DonationStatus, DonationStatus | undefined, DonationStatus>;
  origin: DonationOrigin;
  /** The name the donor typed; shown publicly unless anonymous. */
  donor_name: Nullable<string>;
  /** Who gave, as recorded with this gift: the only record of it for an offline gift without an email (no donor row). */
  donor_type: ColumnType<DonorType, DonorType | undefined, DonorType>;
  anonymous: ColumnType<boolean, boolean | undefined, boolean>;
  message: Nullable<string>;
  dedication_kind: Nullable<'honour' | 'memory'>;
  dedication_name: Nullable<string>;
  locale: ColumnType<string, string | undefined, string>;
  /** Stripe's payment method type (card, alipay, wechat_pay), or an offline gift's method (cheque, bank_transfer, cash). */
  payment_method: Nullable<string>;
  failure_message: Nullable<string>;
  /** The utm_source of the campaign link the donor followed ("newsletter", "wechat-moments"): letters, digits, - _ . up to 64. */
  utm_source: Nullable<string>;
  stripe_checkout_session_id: Nullable<string>;
  stripe_payment_intent_id: Nullable<string>;
  stripe_charge_id: Nullable<string>;
  stripe_invoice_id: Nullable<string>;
  succeeded_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** HMAC (SESSION_SECRET) of the address the donate form was sent from, for the card-testing brake; null for gifts not started on our form. */
  client_ip_hash: Nullable<string>;
}

/** reversal: takes back an offline row recorded by mistake (corrects_entry_id names it); only offline rows are reversed. */
export type LedgerKind = 'gift' | 'refund' | 'refund_reversal' | 'dispute' | 'dispute_won' | 'reversal';

/** stripe: one row per Stripe balance transaction; offline: money finance recorded by hand. */
export type LedgerSource = 'stripe' | 'offline';

export type OfflineMethod = 'cheque' | 'bank_transfer' | 'cash';

/**
 * Append-only record of money that moved: one row per Stripe balance transaction, or one per offline
 * gift or correction. `amount` is in the donation's currency, signed (gifts in, refunds, disputes and
 * reversals out); the settlement columns are what Stripe put in or took out of our balance, fee included.
 * An offline row settles as itself: settlement_currency = currency, settlement_amount = amount, fee 0,
 * net = amount, exchange_rate null (a check constraint holds it). A mistake in an offline row is never
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

/** A card declined on a Checkout page of one of our gifts (payment_intent.payment_failed); kept 30 days. */
export interface CardDeclineTable {
  /** The declined charge's id, or the event's when Stripe made no charge: one row per decline however often it is delivered. */
  attempt_id: string;
  donation_id: string;
  /** What the card was asked for, in minor units of currency. */
  amount: number;
  currency: string;
  /** Below the card-testing line for its currency (server/donations/card-testing.ts), decided when stored. */
  small: boolean;
  declined_at: Timestamp;
}

export type RecurringPlan = Selectable<RecurringPlanTable>;

export type Donation = Selectable<DonationTable>;

export type NewDonation = Insertable<DonationTable>;

export type LedgerEntry = Selectable<LedgerEntryTable>;

export type NewLedgerEntry = Insertable<LedgerEntryTable>;
