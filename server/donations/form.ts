// The donate form as a donor fills it in: read, checked field by field, and turned into a gift to start.
import { z } from 'zod';
import type { Campaign, DonationFrequency } from '../../db/schema';
import type { Config } from '../config';
import { currencyExponent, formatMoney, money, parseAmount, type Money } from '../money';

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
  name: string;
  anonymous: boolean;
  message: string | null;
  dedication: { kind: 'honour' | 'memory'; name: string } | null;
}

/** What the form shows again after a mistake: the values as typed. */
export type DonationFormValues = Record<'amount' | 'currency' | 'frequency' | 'email' | 'name' | 'message' | 'dedication_kind' | 'dedication_name', string> & {
  anonymous: boolean;
  /** The campaign link's utm_source, carried in a hidden field; '' when none or not a valid one. */
  utm_source: string;
};

export type DonationFormResult = { ok: true; request: DonationRequest } | { ok: false; errors: Record<string, string>; values: DonationFormValues };

// Control characters are never typed by a person, and PostgreSQL refuses a NUL in text: they are dropped.
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const text = z.preprocess((value) => (typeof value === 'string' ? value.replace(controlCharacters, '').trim() : ''), z.string());

const formShape = z.object({
  amount: text,
  currency: text,
  frequency: text,
  email: text,
  name: text,
  message: text,
  dedication_kind: text,
  dedication_name: text,
  anonymous: z.unknown().optional(),
  utm_source: z.unknown().optional(),
});

/** A link's utm_source as we store it: letters, digits, - _ . up to 64 characters; anything else is no source. */
export function readSource(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : null;
}

const emailSchema = z.email();

export function formValues(body: unknown): DonationFormValues {
  const raw = formShape.parse(typeof body === 'object' && body !== null ? body : {});
  const anonymous = raw.anonymous === 'on' || raw.anonymous === 'true' || raw.anonymous === '1' || raw.anonymous === true;
  return { ...raw, currency: raw.currency.toUpperCase(), anonymous, utm_source: readSource(raw.utm_source) ?? '' };
}

/** Checks the form against the campaign and the configured limits; a bad field gets a message of its own. */
export function readDonationForm(body: unknown, campaign: Campaign, limits: Config['donations']): DonationFormResult {
  const values = formValues(body);
  const errors: Record<string, string> = {};
  const accepted = campaign.accepted_currencies;

  let amount: Money | undefined;
  if (!accepted.includes(values.currency)) {
    errors.currency = `Choose one of ${accepted.join(', ')}.`;
  } else if (values.amount === '') {
    errors.amount = 'Enter the amount you would like to give.';
  } else {
    const parsed = parseAmount(values.amount, values.currency);
    const maximum = money(limits.maximumMajorUnits, values.currency);
    const minimum = minimumGift(values.currency);
    if (!parsed.ok && parsed.problem === 'fraction') {
      const exponent = currencyExponent(values.currency);
      errors.amount = exponent === 0 ? `${values.currency} amounts are whole numbers, without decimals.` : `Use at most ${exponent} decimal places for ${values.currency}.`;
    } else if (!parsed.ok && parsed.problem === 'format') {
      errors.amount = 'Enter an amount in numbers, such as 100 or 100.50.';
    } else if (!parsed.ok || parsed.money.amount > maximum.amount) {
      errors.amount = `The most we can accept online is ${formatMoney(maximum, 'en', { wholeUnits: true })}. Please contact us about a larger gift.`;
    } else if (parsed.money.amount < minimum.amount) {
      errors.amount = `The smallest gift we can take by card is ${formatMoney(minimum, 'en')}.`;
    } else {
      amount = parsed.money;
    }
  }

  const frequency = (['once', 'month', 'year'] as const).find((f) => f === values.frequency);
  if (!frequency) errors.frequency = 'Choose to give once, every month or every year.';

  if (values.email === '') errors.email = 'Enter your email address, so that we can send your receipt.';
  else if (values.email.length > 254 || !emailSchema.safeParse(values.email).success) errors.email = 'Enter an email address like name@example.com.';

  if (values.name === '') errors.name = 'Enter your name, as it should appear on your receipt.';
  else if (values.name.length > 100) errors.name = 'Use at most 100 characters for your name.';

  if (values.message.length > 500) errors.message = `Keep your message to 500 characters (it has ${values.message.length}).`;

  let dedication: DonationRequest['dedication'] = null;
  if (values.dedication_kind === 'honour' || values.dedication_kind === 'memory') {
    if (values.dedication_name === '') errors.dedication_name = 'Enter the name of the person this gift honours.';
    else if (values.dedication_name.length > 100) errors.dedication_name = 'Use at most 100 characters for the name.';
    else dedication = { kind: values.dedication_kind, name: values.dedication_name };
  } else if (values.dedication_kind !== '') {
    errors.dedication_kind = 'Choose "in honour of" or "in memory of", or leave it empty.';
  }

  if (Object.keys(errors).length > 0 || !amount || !frequency) return { ok: false, errors, values };
  return {
    ok: true,
    request: { amount, frequency, email: values.email, name: values.name, anonymous: values.anonymous, message: values.message || null, dedication },
  };
}
