// The single truth about our tables: one interface per table, composed into Database.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { LocalizedText } from '../server/locale';

/** Read as a Date; written as a Date or an ISO string; defaulted by the database when not given. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: pg serialises objects on the way in and parses them on the way out. */
type Jsonb<T> = ColumnType<T, T, T>;

export type CampaignStatus = 'draft' | 'live' | 'closed';

export interface CampaignTable {
  id: Generated<number>;
  /** Lower-case words joined by hyphens; the campaign's address: /campaigns/:slug. */
  slug: string;
  title: Jsonb<LocalizedText>;
  /** One or two sentences for the campaign list. */
  summary: Jsonb<LocalizedText>;
  story: Jsonb<LocalizedText>;
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  /** Minor units of target_currency. */
  target_amount: number;
  /** ISO 4217, upper case. */
  target_currency: string;
  /** ISO 4217 codes a donor may give in. */
  accepted_currencies: string[];
  starts_at: Timestamp;
  /** Null for a fund that stays open. */
  ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** What one unit of impact costs, in minor units of target_currency: 500000 for "¥5,000 funds one surgery". */
  cost_unit_amount: number | null;
  /** What that unit is: {"en": "one cleft-lip surgery", "zh-CN": "一例唇裂手术"}. */
  cost_unit_label: Jsonb<LocalizedText | null>;
  cover_image_url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * The ledger of one campaign summed per pair of gift and settlement currencies, kept by a trigger on
 * ledger_entries in the same transaction (migration 0011); never written by the application.
 */
export interface CampaignTotalTable {
  campaign_id: number;
  currency: string;
  settlement_currency: string;
  amount: number;
  settlement_amount: number;
}

/** The people giving to a campaign, kept by the same trigger: `who` is a donor id, or a donation id for a gift without an email. */
export interface CampaignGiverTable {
  campaign_id: number;
  who: string;
  /** Their donations that still hold money in the campaign, net of refunds and disputes. */
  donations: number;
}

/** The amounts offered as buttons on a campaign's donate form, per currency. */
export interface CampaignPresetTable {
  campaign_id: number;
  currency: string;
  /** Minor units of currency. */
  amount: number;
  /** What the amount funds: {"en": "one speech-therapy session"}. */
  label: Jsonb<LocalizedText | null>;
  position: number;
}

/** Nullable column that may be left out of an insert. */
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Who gave: a person, or an organisation giving as a whole (offline gifts mostly). */
export type DonorType = 'person' | 'enterprise' | 'chamber_of_commerce' | 'charity_federation';

/** One per email address, whatever its case. */
export interface DonorTable {
  id: Generated<number>;
  email: string;
  /**
   * A person's name, or an organisation's: the one their latest paid gift gave (never a gift only
   * started: anyone can type anyone's address). Null until a paid gift names them.
   */
  name: Nullable<string>;
  /** When the paid gift that gave `name` was paid; a gift paid earlier, applied later, leaves the name alone. */
  name_given_at: NullableTimestamp;
  donor_type: ColumnType<DonorType, DonorType | undefined, DonorType>;
  /** The language the donor gave in: 'en' or 'zh-CN'. */
  locale: ColumnType<string, string | undefined, string>;
  stripe_customer_id: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set by the one-click unsubscribe link in an impact update; no further impact updates are sent. */
  impact_opt_out_at: NullableTimestamp;
}

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

/** The last receipt number issued in a year. */
export interface ReceiptCounterTable {
  year: number;
  last_sequence: number;
}

/** The charitable receipt of one gift: numbered once, in the gift's own transaction, never reused. */
export interface ReceiptTable {
  id: Generated<string>;
  donation_id: string;
  year: number;
  sequence: number;
  /** "2026-000123": year, then the sequence within it. */
  number: string;
  issued_at: ColumnType<Date, Date | string, never>;
  created_at: Timestamp;
}

export type OutboxTopic = 'receipt' | 'refund_notice' | 'payment_failed' | 'annual_statement' | 'sign_in_link' | 'staff_password_link';

/**
 * Emails owed to donors, written in the same transaction as what caused them; a relay copies each
 * row into BullMQ (job id = dedupe_key) and the sender marks it sent.
 */
export interface OutboxTable {
  id: Generated<number>;
  topic: OutboxTopic;
  /** One email per key, ever: "receipt-<donation id>", "refund-<refund id>". */
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

export type StaffRole = 'admin' | 'finance' | 'campaign_manager';

export interface StaffMemberTable {
  id: Generated<number>;
  email: string;
  name: string;
  roles: StaffRole[];
  /** scrypt, with its parameters and salt: "scrypt$N$r$p$salt$hash"; null until the invitation link is used. */
  password_hash: Nullable<string>;
  /** Wrong passwords from networks this person has never signed in from (staff/sign-in.ts). */
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One staff member on one network: its wrong-password brake, and whether they have signed in from it. */
export interface StaffSignInNetworkTable {
  staff_id: number;
  /** HMAC of the network (server/http/network.ts) under SESSION_SECRET. */
  network: string;
  failures: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  signed_in_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface StaffSessionTable {
  /** SHA-256 of the cookie's token, never the token itself. */
  token_hash: string;
  staff_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  user_agent: Nullable<string>;
}

/** One-time links to set a password (the first admin's, an invited colleague's, a reset). */
export interface StaffPasswordLinkTable {
  token_hash: string;
  staff_id: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

/** Who changed what, when, with the record before and after; append-only. */
export interface AuditLogTable {
  id: Generated<number>;
  /** Null for a change made from the command line. */
  staff_id: Nullable<number>;
  action: string;
  subject_type: string;
  subject_id: string;
  before: Jsonb<unknown>;
  after: Jsonb<unknown>;
  at: Timestamp;
}

export interface Database {
  campaigns: CampaignTable;
  campaign_presets: CampaignPresetTable;
  campaign_totals: CampaignTotalTable;
  campaign_givers: CampaignGiverTable;
  donors: DonorTable;
  recurring_plans: RecurringPlanTable;
  donations: DonationTable;
  ledger_entries: LedgerEntryTable;
  refund_requests: RefundRequestTable;
  stripe_events: StripeEventTable;
  receipt_counters: ReceiptCounterTable;
  receipts: ReceiptTable;
  outbox: OutboxTable;
  staff_members: StaffMemberTable;
  staff_sessions: StaffSessionTable;
  staff_sign_in_networks: StaffSignInNetworkTable;
  staff_password_links: StaffPasswordLinkTable;
  audit_log: AuditLogTable;
  impact_updates: ImpactUpdateTable;
  impact_deliveries: ImpactDeliveryTable;
  reconciliation_discrepancies: ReconciliationDiscrepancyTable;
}

export type Campaign = Selectable<CampaignTable>;
export type NewCampaign = Insertable<CampaignTable>;
export type CampaignUpdate = Updateable<CampaignTable>;
export type CampaignPreset = Selectable<CampaignPresetTable>;
export type Donor = Selectable<DonorTable>;
export type RecurringPlan = Selectable<RecurringPlanTable>;
export type Donation = Selectable<DonationTable>;
export type NewDonation = Insertable<DonationTable>;
export type LedgerEntry = Selectable<LedgerEntryTable>;
export type NewLedgerEntry = Insertable<LedgerEntryTable>;
export type RefundRequest = Selectable<RefundRequestTable>;
export type Receipt = Selectable<ReceiptTable>;
export type OutboxMessage = Selectable<OutboxTable>;

/** One number an impact update reports: {"label": "Children operated", "value": 152}. */
export interface ImpactFigure {
  label: string;
  value: number;
}

export interface ImpactPhoto {
  /** https only: the page's Content-Security-Policy loads no other images. */
  url: string;
  /** What the photo shows, for people who cannot see it; null when the manager gave none. */
  alt: string | null;
}

/** What a campaign's money did, posted by its manager, shown on the campaign page and emailed to its donors. */
export interface ImpactUpdateTable {
  id: Generated<number>;
  campaign_id: number;
  title: string;
  body_markdown: string;
  /** body_markdown rendered and sanitised once, when posted; safe to output unescaped. */
  body_html: string;
  figures: ColumnType<ImpactFigure[], ImpactFigure[] | undefined, ImpactFigure[]>;
  photos: ColumnType<ImpactPhoto[], ImpactPhoto[] | undefined, ImpactPhoto[]>;
  created_at: Timestamp;
  /** How many donors the fan-out found; null until it has walked them all. */
  total_recipients: Nullable<number>;
  /** When the last delivery was sent or skipped. */
  completed_at: NullableTimestamp;
}

/** One donor's copy of an impact update: a row per (update, donor), sent or skipped at most once. */
export interface ImpactDeliveryTable {
  update_id: number;
  donor_id: number;
  sent_at: NullableTimestamp;
  /** Set instead of sent_at when the donor opted out between the fan-out and the send. */
  skipped_at: NullableTimestamp;
}

export type ImpactUpdate = Selectable<ImpactUpdateTable>;
export type ImpactDelivery = Selectable<ImpactDeliveryTable>;
export type StaffMember = Selectable<StaffMemberTable>;

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

export type ReconciliationDiscrepancy = Selectable<ReconciliationDiscrepancyTable>;
export type NewReconciliationDiscrepancy = Insertable<ReconciliationDiscrepancyTable>;

/** A one-time sign-in link to the donor account, emailed on request; valid for 30 minutes. */
export interface DonorSignInLinkTable {
  /** Carried by the outbox row that emails the link; the token is an HMAC of it under SESSION_SECRET. */
  id: Generated<string>;
  /** SHA-256 of the link's token, never the token itself. */
  token_hash: string;
  donor_id: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

/** A donor signed in to their account by a link; the cookie holds a random token, the table its SHA-256. */
export interface DonorSessionTable {
  token_hash: string;
  donor_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  user_agent: Nullable<string>;
}

// Merged into Database above (declaration merging), so the donor account adds its tables without reordering the list.
export interface Database {
  donor_sign_in_links: DonorSignInLinkTable;
  donor_sessions: DonorSessionTable;
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

// Merged into Database above, like the donor account's tables.
export interface Database {
  card_declines: CardDeclineTable;
}
