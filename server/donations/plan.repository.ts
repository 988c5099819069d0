// Recurring plans: the update-card link reads one; Stripe's subscriptions lock, make and update them.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db, Trx } from '../database';
import type { RecurringPlan, RecurringPlanTable } from '../tables/recurring-plans.table';

export async function findPlan(db: Db, id: string): Promise<RecurringPlan | undefined> {
  return db.selectFrom('recurring_plans').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockPlan(trx: Trx, id: string): Promise<RecurringPlan | undefined> {
  return trx.selectFrom('recurring_plans').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function lockPlanOfSubscription(trx: Trx, subscriptionId: string): Promise<RecurringPlan | undefined> {
  return trx.selectFrom('recurring_plans').selectAll().where('stripe_subscription_id', '=', subscriptionId).forUpdate().executeTakeFirst();
}

export async function linkPlanToSubscription(trx: Trx, planId: string, subscriptionId: string): Promise<void> {
  await trx.updateTable('recurring_plans').set({ stripe_subscription_id: subscriptionId, updated_at: sql`now()` }).where('id', '=', planId).execute();
}

/** Inserts a plan for a subscription begun elsewhere, unless another transaction has just made it. */
export async function insertPlanUnlessKnown(trx: Trx, plan: Insertable<RecurringPlanTable> & { stripe_subscription_id: string }): Promise<void> {
  await trx.insertInto('recurring_plans').values(plan).onConflict((oc) => oc.column('stripe_subscription_id').doNothing()).execute();
}

/** The plan as its subscription was read by the Stripe reads numbered `stripeRead`. */
export async function updatePlan(trx: Trx, planId: string, changes: Pick<Updateable<RecurringPlanTable>, 'status' | 'amount' | 'currency' | 'interval' | 'canceled_at'>, stripeRead: string): Promise<void> {
  await trx.updateTable('recurring_plans').set({ ...changes, stripe_read: stripeRead, updated_at: sql`now()` }).where('id', '=', planId).execute();
}

/** Cancels a plan whose first payment never came; a plan that started meanwhile is left as it is. */
/** Stripe's rule, applied without asking it: a subscription whose first invoice is paid is active. Any other state is left to the subscription's events. */
export async function activateIncompletePlan(trx: Trx, planId: string): Promise<void> {
  await trx.updateTable('recurring_plans').set({ status: 'active', updated_at: sql`now()` }).where('id', '=', planId).where('status', '=', 'incomplete').execute();
}

export async function cancelIncompletePlan(trx: Trx, planId: string): Promise<void> {
  await trx
    .updateTable('recurring_plans')
    .set({ status: 'canceled', canceled_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', planId)
    .where('status', '=', 'incomplete')
    .execute();
}
