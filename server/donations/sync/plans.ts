// Recurring plans follow their Stripe subscription: found by id, by our metadata, or made from it.
import type Stripe from 'stripe';
import { isUuid } from '../../http/params';
import type { RecurringPlan, RecurringPlanStatus } from '../../tables/recurring-plans.table';
import { insertPlanUnlessKnown, linkPlanToSubscription, lockPlan, lockPlanOfSubscription, updatePlan } from '../plan.repository';
import { campaignForPayment, donorForCustomer, linkStripeCustomer } from './payers';
import type { RecordingContext } from './recording-context';
import { requireFreshReads } from './stripe-reads';

export function planStatusOf(subscription: Stripe.Subscription): RecurringPlanStatus {
  if (subscription.pause_collection) return 'paused';
  switch (subscription.status) {
    case 'active':
    case 'trialing':
      return 'active';
    case 'past_due':
    case 'unpaid':
      return 'past_due';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    case 'paused':
      return 'paused';
    default:
      return 'incomplete';
  }
}

function priceOf(subscription: Stripe.Subscription) {
  const item = subscription.items.data[0];
  const interval = item?.price.recurring?.interval === 'year' ? ('year' as const) : ('month' as const);
  return { amount: (item?.price.unit_amount ?? 0) * (item?.quantity ?? 1), currency: subscription.currency.toUpperCase(), interval };
}

/** The plan a subscription belongs to, locked for this transaction; created when the subscription began elsewhere. */
export async function planForSubscription(c: RecordingContext, subscriptionId: string): Promise<RecurringPlan> {
  const { trx, stripe, generalFundSlug } = c;
  const known = await lockPlanOfSubscription(trx, subscriptionId);
  if (known) return known;
  const subscription = await stripe.subscription(subscriptionId);
  const ours = isUuid(subscription.metadata.plan_id) ? await lockPlan(trx, subscription.metadata.plan_id) : undefined;
  if (ours) {
    await linkPlanToSubscription(trx, ours.id, subscriptionId);
    return { ...ours, stripe_subscription_id: subscriptionId };
  }
  const campaign = await campaignForPayment(trx, subscription.metadata.campaign, generalFundSlug);
  const donor = await donorForCustomer(trx, stripe, subscription.customer);
  await insertPlanUnlessKnown(trx, { ...priceOf(subscription), campaign_id: campaign.id, donor_id: donor?.id ?? null, status: planStatusOf(subscription), stripe_subscription_id: subscriptionId });
  return (await lockPlanOfSubscription(trx, subscriptionId))!;
}

/**
 * Copies the subscription's state as read before the transaction, whatever order its events came in; returns
 * the plan locked and as stored. A plan already synced from later reads makes this transaction read again.
 */
export async function syncPlan(c: RecordingContext, subscriptionId: string): Promise<RecurringPlan> {
  const { trx, stripe } = c;
  const plan = await planForSubscription(c, subscriptionId);
  requireFreshReads(plan, c.stripeRead, `plan ${plan.id}`);
  const subscription = await stripe.subscription(subscriptionId);
  const status = planStatusOf(subscription);
  const { amount, currency, interval } = priceOf(subscription);
  const changes = {
    status,
    ...(amount > 0 ? { amount, currency, interval } : {}),
    canceled_at: subscription.canceled_at ? new Date(subscription.canceled_at * 1000) : null,
  };
  await updatePlan(trx, plan.id, changes, c.stripeRead);
  if (plan.donor_id) await linkStripeCustomer(trx, plan.donor_id, subscription.customer);
  // As now stored: a renewal recorded next is given the plan's current amount and interval.
  return { ...plan, ...changes, stripe_read: c.stripeRead };
}
