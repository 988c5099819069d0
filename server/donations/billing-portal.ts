// Stripe's billing portal, where a donor with a regular gift puts in a new card.
import type Stripe from 'stripe';
import type { Locale } from '../locale';
import { idOf } from '../stripe/ids';
import { stripeLocale } from '../stripe/locale';

/**
 * A fresh portal session on the card-update page for one subscription, returning to `returnUrl`; made on
 * each click, since portal links expire within minutes and an email may be opened days later. Without a
 * locale, Stripe follows the browser's language.
 */
export async function cardUpdatePortalUrl(stripe: Stripe, subscriptionId: string, returnUrl: string, locale?: Locale): Promise<string> {
  // The subscription's own customer: a donor who also gave once may have another customer at Stripe.
  const subscription = await stripe.subscriptions.retrieve(subscriptionId);
  const session = await stripe.billingPortal.sessions.create({
    customer: idOf(subscription.customer),
    return_url: returnUrl,
    ...(locale ? { locale: stripeLocale(locale) } : {}),
    flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: returnUrl } } },
  });
  return session.url;
}
