import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from './columns';
import type { DonorType } from './donors.table';
import type { RecurringInterval } from './recurring-plans.table';

export type DonationStatus = 'pending' | 'succeeded' | 'failed' | 'expired' | 'refunded' | 'partially_refunded' | 'disputed';

/**
 * A gift whose money arrived and stayed, at least in part: who is reported back to, what a statement counts,
 * what a mainland partner may receipt.
 */
export const standingStatuses = ['succeeded', 'partially_refunded'] as const satisfies readonly DonationStatus[];

export const isStanding = (status: string): boolean => (standingStatuses as readonly string[]).includes(status);

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
  /** The closed round a payment was meant for, when it was credited where its gift now points instead. */
  intended_campaign_id: ColumnType<number | null, number | null | undefined, number | null>;
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
  /**
   * For a gift given as an organisation (donor_name is then its name): whom to ask about it, and its business
   * registration number (letters, digits, spaces, - / up to 40), as the gift gave them; printed on its
   * receipts, which are made out from the gift. Always null for a person's gift.
   */
  donor_contact_name: Nullable<string>;
  donor_business_registration: Nullable<string>;
  anonymous: ColumnType<boolean, boolean | undefined, boolean>;
  message: Nullable<string>;
  /** When staff hid the message from the campaign page; null while it may show. */
  message_hidden_at: NullableTimestamp;
  /** When staff let the message show on a campaign that holds messages; null until then. */
  message_approved_at: NullableTimestamp;
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
  /** The number (sequence stripe_reads) of the Stripe reads its payment was last synced from; null before any. */
  stripe_read: ColumnType<string | null, never, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** HMAC (SESSION_SECRET) of the address the donate form was sent from, for the card-testing brake; null for gifts not started on our form. */
  client_ip_hash: Nullable<string>;
  /**
   * The sentence of the form's news box, as the donor ticked it (in `locale`), and when they sent the form;
   * both null when the box was left unticked or the gift did not come from our form. Turned into the
   * donor's consent (donor_consents) by the transaction that records the gift paid, never before.
   */
  updates_consent_wording: Nullable<string>;
  updates_consent_chosen_at: NullableTimestamp;
  /**
   * How long the donor waited, in ms, for a slot in the shared Stripe budget before their Checkout Session
   * opened (the waiting page): 0 when it opened at once; null for gifts not started on our form.
   */
  checkout_waited_ms: ColumnType<number | null, number | null | undefined, number | null>;
}

export type Donation = Selectable<DonationTable>;

export type NewDonation = Insertable<DonationTable>;
