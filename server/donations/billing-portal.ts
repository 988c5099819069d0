// Stripe's billing portal, where a donor with a regular gift puts in a new card.
import type Stripe from 'stripe';
import { idOf } from '../stripe/ids';

/**
 * A fresh portal session on the card-update page for one subscription, returning to `returnUrl`; made on
 * each click, since portal links expire within minutes and an email may be opened days later.
 */
export async function cardUpdatePortalUrl(stripe: Stripe, subscriptionId: string, returnUrl: string): Promise<string> {
  // The subscription's own customer: a donor who also gave once may have another customer at Stripe.
  const subscription = await stripe.subscriptions.retrieve(subscriptionId);
  const session = await stripe.billingPortal.sessions.create({
    customer: idOf(subscription.customer),
    return_url: returnUrl,
    flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: returnUrl } } },
  });
  return session.url;
}
