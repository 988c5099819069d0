// When a regular gift is next taken, as Stripe says: for the donor's account, and for the email that tells a donor their gift moved.
import type Stripe from 'stripe';

/** When the next gift is taken, from Stripe; null when paused, stopping, or Stripe did not answer. */
export async function nextGiftDate(stripe: Stripe, subscriptionId: string): Promise<Date | null> {
  try {
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    const end = subscription.items.data[0]?.current_period_end;
    if (subscription.pause_collection || subscription.cancel_at_period_end || subscription.status === 'canceled' || !end) return null;
    return new Date(end * 1000);
  } catch {
    return null;
  }
}
