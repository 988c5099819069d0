// The donate form as a donor fills it in: read, checked field by field, and turned into a gift to start.
import { z } from 'zod';
import type { Campaign } from '../tables/campaigns.table';
import { readSource, type DonationFormValues } from '../campaigns/donate-form';
import type { DonationFrequency } from '../tables/donations.table';
import type { DonorType } from '../tables/donors.table';
import type { Config } from '../config';
import { cleanText, oneLine } from '../http/text';
import { translate, type MessageKey } from '../i18n/messages';
import { defaultLocale, type Locale } from '../locale';
import { currencyExponent, formatMoney, money, parseAmount, type Money } from '../money';
import { isOrganisationType, readBusinessRegistration, readContactName } from '../donor-kinds';

// Stripe's smallest charge per currency (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts);
// for CNY, which Stripe settles through another currency, a gift small enough to be mostly fees is refused.
const minimumCharges: Record<string, number> = { USD: 50, HKD: 400, CNY: 500, EUR: 50, GBP: 30, SGD: 50, AUD: 50, CAD: 50, JPY: 50, TWD: 1_500, MOP: 400 };

export function minimumGift(currency: string): Money {
  return { amount: minimumCharges[currency] ?? 10 ** currencyExponent(currency), currency };
}

export interface DonationRequest {
  amount: Money;
  frequency: DonationFrequency;
  email: string;
  /** The person's name, or the organisation's: what the receipt is made out to, and what shows when not anonymous. */
  name: string;
  /** Who gives: a person, or the kind of organisation `name` is. */
  donorType: DonorType;
  /** An organisation's contact and business registration number, when it gave them; null for a person. */
  contactName: string | null;
  businessRegistration: string | null;
  anonymous: boolean;
  message: string | null;
  dedication: { kind: 'honour' | 'memory'; name: string } | null;
  /** The news box ticked: a yes to news of what gifts achieve, once the gift is paid. Unticked says nothing either way. */
  news: boolean;
}

export type DonationFormResult = { ok: true; request: DonationRequest } | { ok: false; errors: Record<string, string>; values: DonationFormValues };

// Control characters are never typed by a person, and PostgreSQL refuses a NUL in text: they are dropped.
// Every field but the message is one line, so a name cannot add lines to a receipt or an email.
const text = z.preprocess(oneLine, z.string());
const lines = z.preprocess(cleanText, z.string());

const formShape = z.object({
  amount: text,
  currency: text,
  frequency: text,
  email: text,
  name: text,
  giving_as: text,
  organisation_kind: text,
  organisation_name: text,
  contact_name: text,
  business_registration: text,
  message: lines,
  dedication_kind: text,
  dedication_name: text,
  anonymous: z.unknown().optional(),
  news: z.unknown().optional(),
  utm_source: z.unknown().optional(),
});

/** A checkbox as browsers and scripts send it ticked; anything else, or nothing, is unticked. */
const ticked = (value: unknown) => value === 'on' || value === 'true' || value === '1' || value === true;

const emailSchema = z.email();

export function formValues(body: unknown): DonationFormValues {
  const raw = formShape.parse(typeof body === 'object' && body !== null ? body : {});
  return {
    ...raw,
    currency: raw.currency.toUpperCase(),
    // A form from before the choice existed (or a script) gives as a person.
    giving_as: raw.giving_as || 'person',
    anonymous: ticked(raw.anonymous),
    news: ticked(raw.news),
    utm_source: readSource(raw.utm_source) ?? '',
  };
}

/** Checks the form against the campaign and the configured limits; a bad field gets a message of its own, in the page's language. */
export function readDonationForm(body: unknown, campaign: Campaign, limits: Config['donations'], locale: Locale = defaultLocale): DonationFormResult {
  const values = formValues(body);
  const errors: Record<string, string> = {};
  const accepted = campaign.accepted_currencies;
  const say = (key: MessageKey & `donate.error.${string}`, placeholders: Record<string, string | number> = {}) => translate(locale, key, placeholders);

  let amount: Money | undefined;
  if (!accepted.includes(values.currency)) {
    errors.currency = say('donate.error.currency', { currencies: accepted.join(translate(locale, 'campaigns.listSeparator')) });
  } else if (values.amount === '') {
    errors.amount = say('donate.error.amountMissing');
  } else {
    const parsed = parseAmount(values.amount, values.currency);
    const maximum = money(limits.maximumMajorUnits, values.currency);
    const minimum = minimumGift(values.currency);
    if (!parsed.ok && parsed.problem === 'fraction') {
      const exponent = currencyExponent(values.currency);
      errors.amount = exponent === 0 ? say('donate.error.wholeNumbers', { currency: values.currency }) : say('donate.error.decimals', { places: exponent, currency: values.currency });
    } else if (!parsed.ok && parsed.problem === 'format') {
      errors.amount = say('donate.error.amountFormat');
    } else if (!parsed.ok && parsed.problem === 'separator') {
      errors.amount = say('donate.error.amountSeparator');
    } else if (!parsed.ok || parsed.money.amount > maximum.amount) {
      errors.amount = say('donate.error.tooLarge', { maximum: formatMoney(maximum, locale, { wholeUnits: true }) });
    } else if (parsed.money.amount < minimum.amount) {
      errors.amount = say('donate.error.tooSmall', { minimum: formatMoney(minimum, locale) });
    } else {
      amount = parsed.money;
    }
  }

  const frequency = (['once', 'month', 'year'] as const).find((f) => f === values.frequency);
  if (!frequency) errors.frequency = say('donate.error.frequency');

  // Before the email, as the form shows them: the summary of mistakes lists them in the page's order.
  const giver = readGiver(values, locale, errors);

  if (values.email === '') errors.email = say('donate.error.emailMissing');
  else if (values.email.length > 254 || !emailSchema.safeParse(values.email).success) errors.email = say('donate.error.emailFormat');

  if (values.message.length > 500) errors.message = say('donate.error.messageTooLong', { length: values.message.length });

  let dedication: DonationRequest['dedication'] = null;
  if (values.dedication_kind === 'honour' || values.dedication_kind === 'memory') {
    if (values.dedication_name === '') errors.dedication_name = say('donate.error.dedicationNameMissing');
    else if (values.dedication_name.length > 100) errors.dedication_name = say('donate.error.dedicationNameTooLong');
    else dedication = { kind: values.dedication_kind, name: values.dedication_name };
  } else if (values.dedication_kind !== '') {
    errors.dedication_kind = say('donate.error.dedicationKind');
  }

  if (Object.keys(errors).length > 0 || !amount || !frequency || !giver) return { ok: false, errors, values };
  return {
    ok: true,
    request: { amount, frequency, email: values.email, ...giver, anonymous: values.anonymous, message: values.message || null, dedication, news: values.news },
  };
}

type Giver = Pick<DonationRequest, 'name' | 'donorType' | 'contactName' | 'businessRegistration'>;

/**
 * Who gives: a person by their name, or an organisation by its kind, its name (what the receipt is made
 * out to) and, when given, a contact and a business registration number. The fields of the choice not
 * taken are not read: without a style sheet that hides them, a donor sees both.
 */
function readGiver(values: DonationFormValues, locale: Locale, errors: Record<string, string>): Giver | undefined {
  if (values.giving_as === 'person') {
    if (values.name === '') errors.name = translate(locale, 'donate.error.nameMissing');
    else if (values.name.length > 100) errors.name = translate(locale, 'donate.error.nameTooLong');
    else return { name: values.name, donorType: 'person', contactName: null, businessRegistration: null };
    return undefined;
  }
  if (values.giving_as !== 'organisation') {
    errors.giving_as = translate(locale, 'organisation.error.givingAs');
    return undefined;
  }
  const kind = values.organisation_kind;
  if (!isOrganisationType(kind)) errors.organisation_kind = translate(locale, 'organisation.error.kind');
  const name = values.organisation_name;
  if (name === '') errors.organisation_name = translate(locale, 'organisation.error.nameMissing');
  else if (name.length > 100) errors.organisation_name = translate(locale, 'organisation.error.nameTooLong');
  const contactName = readContactName(values.contact_name);
  if (contactName === undefined) errors.contact_name = translate(locale, 'organisation.error.contactTooLong');
  const businessRegistration = readBusinessRegistration(values.business_registration);
  if (businessRegistration === undefined) errors.business_registration = translate(locale, 'organisation.error.businessRegistration');
  if (!isOrganisationType(kind) || name === '' || name.length > 100 || contactName === undefined || businessRegistration === undefined) return undefined;
  return { name, donorType: kind, contactName, businessRegistration };
}
