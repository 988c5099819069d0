// Stripe's webhook events as stored: inserted once, locked and marked while applied, listed when left behind.
import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Db, Trx } from '../database';

/** Stores the event unless its id is already stored; true when this delivery is the first. */
export async function storeStripeEvent(db: Db, event: Stripe.Event): Promise<boolean> {
  const stored = await db
    .insertInto('stripe_events')
    .values({ id: event.id, type: event.type, payload: event, stripe_created_at: new Date(event.created * 1000) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return stored !== undefined;
}

/** This transaction's commit returns before the disk has it: for writes that can be rebuilt. */
export async function commitWithoutWaitingForDisk(trx: Trx): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}

export async function lockStripeEvent(trx: Trx, id: string) {
  return trx.selectFrom('stripe_events').select(['type', 'payload', 'processed_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Marks the event applied, in the transaction that applies it. */
export async function markStripeEventProcessed(trx: Trx, id: string): Promise<void> {
  await trx
    .updateTable('stripe_events')
    .set((eb) => ({ processed_at: sql`now()`, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', id)
    .execute();
}

/** Counts a failed attempt to apply the event and keeps its error for staff. */
export async function noteStripeEventFailure(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('stripe_events')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
    .where('id', '=', id)
    .execute();
}

/** Events still unapplied `olderThanSeconds` after they arrived, oldest first, leaving out those tried too often. */
export async function listUnappliedStripeEvents(db: Db, olderThanSeconds: number, limit: number): Promise<Array<{ id: string }>> {
  return db
    .selectFrom('stripe_events')
    .select('id')
    .where('processed_at', 'is', null)
    .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .where('attempts', '<', 200)
    .orderBy('received_at')
    .limit(limit)
    .execute();
}
