// The donate form as the campaign page shows it: its values, its first state, and the link's utm_source it carries.
import type { Campaign } from '../tables/campaigns.table';

/** What the form shows again after a mistake: the values as typed. */
export type DonationFormValues = Record<'amount' | 'currency' | 'frequency' | 'email' | 'name' | 'message' | 'dedication_kind' | 'dedication_name', string> & {
  /** 'person' or 'organisation'; an organisation's kind, name, contact and business registration number are read only for the latter. */
  giving_as: string;
  organisation_kind: string;
  organisation_name: string;
  contact_name: string;
  business_registration: string;
  anonymous: boolean;
  /** The box asking for news of what gifts achieve: unticked until the donor ticks it. */
  news: boolean;
  /** The campaign link's utm_source, carried in a hidden field; '' when none or not a valid one. */
  utm_source: string;
};

/** A link's utm_source as we store it: letters, digits, - _ . up to 64 characters; anything else is no source. */
export function readSource(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : null;
}

export interface DonateForm {
  values: DonationFormValues;
  errors: Record<string, string>;
}

/** The form as it first appears: the campaign's own currency, giving once, or what a preset or thank-you link asked for; a link's utm_source rides along. */
export function blankDonateForm(campaign: Campaign, query: Record<string, unknown> = {}): DonateForm {
  const asked = typeof query.currency === 'string' ? query.currency.toUpperCase() : '';
  const currency = campaign.accepted_currencies.includes(asked)
    ? asked
    : campaign.accepted_currencies.includes(campaign.target_currency)
      ? campaign.target_currency
      : (campaign.accepted_currencies[0] ?? '');
  const amount = typeof query.amount === 'string' && /^\d{1,9}(\.\d{1,3})?$/.test(query.amount) ? query.amount : '';
  // The thank-you page's "make it monthly" link asks for a rhythm; anything else gives once.
  const frequency = query.frequency === 'month' || query.frequency === 'year' ? query.frequency : 'once';
  return {
    values: {
      amount,
      currency,
      frequency,
      email: '',
      name: '',
      giving_as: 'person',
      organisation_kind: '',
      organisation_name: '',
      contact_name: '',
      business_registration: '',
      message: '',
      dedication_kind: '',
      dedication_name: '',
      anonymous: false,
      news: false,
      utm_source: readSource(query.utm_source) ?? '',
    },
    errors: {},
  };
}
