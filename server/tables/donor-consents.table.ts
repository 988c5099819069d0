import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Nullable, Timestamp } from './columns';

/** What a donor may agree to be sent: 'updates' is news of what gifts achieve (impact updates). */
export type ConsentPurpose = 'updates';

/**
 * Where the donor made the choice. donate_form: the box on a gift, recorded once the gift was paid;
 * account: their account page; email_link: the page behind the link in an email; one_click: their mail
 * program's unsubscribe button (RFC 8058), which shows none of our words; earlier_opt_out: an opt-out
 * made before consent was recorded (migration 0023).
 */
export type ConsentSource = 'donate_form' | 'account' | 'email_link' | 'one_click' | 'earlier_opt_out';

/** One yes or no, never changed: the latest row per donor and purpose (by chosen_at, then id) is the donor's current choice. */
export interface DonorConsentTable {
  id: Generated<string>;
  donor_id: number;
  purpose: ConsentPurpose;
  granted: boolean;
  /** The sentence the donor was shown, as shown, in `locale`; null only for one_click and earlier_opt_out. */
  wording: Nullable<string>;
  /** 'en', 'zh-CN' or 'zh-HK': the language of the wording, or of the email whose button was used. */
  locale: Nullable<string>;
  source: ConsentSource;
  /** The gift whose form carried the yes (donate_form only). */
  donation_id: Nullable<string>;
  /** When the donor chose, by the application's clock: a form's yes is its sending, though recorded only once the gift is paid. */
  chosen_at: ColumnType<Date, Date, never>;
  recorded_at: Timestamp;
}

export type DonorConsent = Selectable<DonorConsentTable>;

export type NewDonorConsent = Insertable<DonorConsentTable>;
