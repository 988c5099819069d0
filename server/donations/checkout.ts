// The Stripe Checkout Session a donor is sent to: one per donation attempt, made at most once.
import type Stripe from 'stripe';
import type { Campaign } from '../tables/campaigns.table';
import type { Donation } from '../tables/donations.table';
import type { ReadyConfig } from '../config';
import { localeFrom } from '../http/language';
import { translate } from '../i18n/messages';
import { localize } from '../locale';
import { stripeLocale } from '../stripe/locale';

// Stripe offers Alipay and WeChat Pay for one-off payments in these currencies only, never for subscriptions.
const walletCurrencies = new Set(['CNY', 'HKD']);

export function checkoutSessionParams(
  donation: Donation,
  campaign: Campaign,
  donorEmail: string,
  options: { baseUrl: string; wallets: ReadyConfig['stripe']['wallets']; retryToken: string },
): Stripe.Checkout.SessionCreateParams {
  const locale = localeFrom(donation.locale);
  const title = localize(campaign.title, locale);
  const once = donation.frequency === 'once';
  const metadata = { donation_id: donation.id, campaign: campaign.slug, ...(donation.recurring_plan_id ? { plan_id: donation.recurring_plan_id } : {}) };
  const description = translate(locale, once ? 'donate.checkout.once' : donation.frequency === 'month' ? 'donate.checkout.month' : 'donate.checkout.year', { campaign: title });
  const wallets = once && walletCurrencies.has(donation.currency) ? options.wallets : [];
  return {
    mode: once ? 'payment' : 'subscription',
    ...(once ? { submit_type: 'donate' as const } : {}),
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: donation.currency.toLowerCase(),
          unit_amount: donation.amount,
          product_data: { name: description },
          ...(once ? {} : { recurring: { interval: donation.frequency as 'month' | 'year' } }),
        },
      },
    ],
    // Never an existing customer: anyone can type an email, and Checkout would offer that person's saved cards.
    customer_email: donorEmail,
    ...(once ? { customer_creation: 'always' as const } : {}),
    client_reference_id: donation.id,
    metadata,
    ...(once ? { payment_intent_data: { metadata, description } } : { subscription_data: { metadata, description } }),
    ...(wallets.length > 0
      ? {
          allowed_payment_method_types: ['card', ...wallets],
          ...(wallets.includes('wechat_pay') ? { payment_method_options: { wechat_pay: { client: 'web' as const } } } : {}),
        }
      : {}),
    locale: stripeLocale(locale),
    success_url: `${options.baseUrl}/donations/thanks?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${options.baseUrl}/campaigns/${campaign.slug}?retry=${options.retryToken}#give`,
  };
}

/** One idempotency key per donation: a retried request gets the same session back, never a second one. */
export function createCheckoutSession(stripe: Stripe, params: Stripe.Checkout.SessionCreateParams): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create(params, { idempotencyKey: `checkout-session-${String(params.client_reference_id)}` });
}
