// Template data for offline gifts: the recording page, and the choices of the offline gift form it shares with a gift's correction.
import type { Donation } from '../tables/donations.table';
import type { LedgerEntry } from '../tables/ledger-entries.table';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';
import { toMajorUnits } from '../money';
import { campaignChoices, currencyChoices } from './finance.view';
import type { CampaignOption } from './gift.repository';
import { choices, donorTypeLabel, methodLabel } from './labels';
import { donorTypes } from '../donor-kinds';
import { offlineMethods, receiptLocales, type OfflineGiftForm } from './offline';
import type { RecentOfflineGift } from './offline-gift.repository';

/** The choices of the offline gift form, each marked when `form` chose it. */
export function offlineFormChoices(locale: Locale, form: Partial<OfflineGiftForm>, options: CampaignOption[]) {
  const { campaigns, currencies } = campaignChoices(options, form.campaign);
  return {
    campaigns,
    currencies: currencyChoices(currencies, form.currency),
    creditedCurrencies: currencyChoices(currencies, form.credited_currency),
    donorTypes: choices(donorTypes, (t) => donorTypeLabel(locale, t), form.donor_type),
    methods: choices(offlineMethods, (m) => methodLabel(locale, m), form.method),
    locales: receiptLocales.map((l) => ({ ...l, selected: l.value === form.locale })),
  };
}

type RecordedDonation = Pick<Donation, 'donor_type' | 'donor_name' | 'donor_contact_name' | 'donor_business_registration' | 'locale' | 'anonymous'> & { donor_email: string | null; campaign_slug: string };

/** The form filled in with an offline gift as recorded: the donation and its current ledger row. */
export function offlineFormOf(donation: RecordedDonation, entry: LedgerEntry): OfflineGiftForm {
  return {
    donor_type: donation.donor_type,
    donor_name: donation.donor_name ?? '',
    contact_name: donation.donor_contact_name ?? '',
    business_registration: donation.donor_business_registration ?? '',
    donor_email: donation.donor_email ?? '',
    amount: toMajorUnits(entry),
    currency: entry.currency,
    credited_amount: entry.settlement_currency === entry.currency ? '' : toMajorUnits({ amount: entry.settlement_amount, currency: entry.settlement_currency }),
    credited_currency: entry.settlement_currency === entry.currency ? '' : entry.settlement_currency,
    method: entry.method ?? '',
    reference: entry.reference ?? '',
    received_on: entry.occurred_at.toISOString().slice(0, 10),
    campaign: donation.campaign_slug,
    locale: donation.locale,
    show_name: donation.anonymous ? '' : 'yes',
    reason: '',
  };
}

export interface OfflinePageExtra {
  errors?: Record<string, string>;
}

export function offlinePageView(locale: Locale, form: Partial<OfflineGiftForm>, campaigns: CampaignOption[], recent: RecentOfflineGift[], extra: OfflinePageExtra = {}) {
  return {
    title: translate(locale, 'finance.offline.heading'),
    form,
    // A new form reads as a person's gift receipted in English.
    ...offlineFormChoices(locale, { ...form, donor_type: form.donor_type ?? 'person', locale: form.locale ?? 'en' }, campaigns),
    recent: recent.map((r) => ({ ...r, method: methodLabel(locale, r.payment_method) })),
    ...(extra.errors ? { errors: extra.errors, errorList: Object.values(extra.errors) } : {}),
  };
}
