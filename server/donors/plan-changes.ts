// A donor's own changes to a regular gift, made at Stripe. Our plan is not touched here: it follows the
// subscription when Stripe's customer.subscription.* webhook arrives (syncPlan), whatever made the change.
import type Stripe from 'stripe';
import type { RecurringInterval } from '../tables/recurring-plans.table';
import type { Config } from '../config';
import { minimumGift } from '../donations/form';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';
import { currencyExponent, formatMoney, money, parseAmount } from '../money';
import { idOf } from '../stripe/ids';

export type PlanChange = { ok: true; amount: number; interval: RecurringInterval } | { ok: false; errors: Record<string, string>; values: { amount: string; frequency: string } };

const field = (body: unknown, name: string) => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, 50) : '';
};

/** Reads the change form with the donate form's limits: Stripe's minimum per currency, our online maximum. */
export function readPlanChange(body: unknown, currency: string, limits: Config['donations'], locale: Locale): PlanChange {
  const values = { amount: field(body, 'amount'), frequency: field(body, 'frequency') };
  const errors: Record<string, string> = {};
  let amount: number | undefined;
  if (values.amount === '') {
    errors.amount = translate(locale, 'account.plan.amountMissing');
  } else {
    const parsed = parseAmount(values.amount, currency);
    const maximum = money(limits.maximumMajorUnits, currency);
    const minimum = minimumGift(currency);
    if (!parsed.ok && parsed.problem === 'fraction') {
      const places = currencyExponent(currency);
      errors.amount = places === 0 ? translate(locale, 'account.plan.amountWhole', { currency }) : translate(locale, 'account.plan.amountFraction', { currency, places });
    } else if (!parsed.ok && parsed.problem === 'format') {
      errors.amount = translate(locale, 'account.plan.amountFormat');
    } else if (!parsed.ok && parsed.problem === 'separator') {
      errors.amount = translate(locale, 'account.plan.amountSeparator');
    } else if (!parsed.ok || parsed.money.amount > maximum.amount) {
      errors.amount = translate(locale, 'account.plan.amountTooLarge', { maximum: formatMoney(maximum, locale, { wholeUnits: true }) });
    } else if (parsed.money.amount < minimum.amount) {
      errors.amount = translate(locale, 'account.plan.amountTooSmall', { minimum: formatMoney(minimum, locale) });
    } else {
      amount = parsed.money.amount;
    }
  }
  const interval = (['month', 'year'] as const).find((candidate) => candidate === values.frequency);
  if (!interval) errors.frequency = translate(locale, 'account.plan.frequencyInvalid');
  if (amount === undefined || !interval) return { ok: false, errors, values };
  return { ok: true, amount, interval };
}

/** The new amount and interval from the next renewal on: a new price on the same product, without proration. */
export async function changeAmount(stripe: Stripe, subscriptionId: string, change: { amount: number; interval: RecurringInterval }): Promise<void> {
  const subscription = await stripe.subscriptions.retrieve(subscriptionId);
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscriptionId} has no item`);
  const product = idOf(item.price.product);
  await stripe.subscriptions.update(subscriptionId, {
    items: [{ id: item.id, price_data: { currency: subscription.currency, product, unit_amount: change.amount, recurring: { interval: change.interval } } }],
    proration_behavior: 'none',
  });
}

/** Invoices made while paused are voided: nothing is taken, nothing is owed later. */
export async function pause(stripe: Stripe, subscriptionId: string): Promise<void> {
  await stripe.subscriptions.update(subscriptionId, { pause_collection: { behavior: 'void' } });
}

export async function resume(stripe: Stripe, subscriptionId: string): Promise<void> {
  await stripe.subscriptions.update(subscriptionId, { pause_collection: '' });
}

/** `comment` tells whoever reads the subscription at Stripe where the donor stopped it. */
export async function cancel(stripe: Stripe, subscriptionId: string, comment = 'Stopped by the donor in their account'): Promise<void> {
  // A second press (a double click, a reload) before Stripe's webhook reaches us finds it already stopped.
  if ((await stripe.subscriptions.retrieve(subscriptionId)).status === 'canceled') return;
  await stripe.subscriptions.cancel(subscriptionId, { cancellation_details: { comment } });
}
