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

/**
 * Stores events from their JSON text (a webhook's verified body), in one statement and one commit for a
 * whole burst, each unless its id is already stored; the ids this statement stored. Postgres takes each
 * event's fields from the text itself, so the bodies are neither parsed nor serialised again here. An event
 * of a type not in `appliedTypes` has nothing to apply: it is stored processed, for the record.
 */
export async function storeStripeEventBodies(db: Db, bodies: string[], appliedTypes: readonly string[]): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    insert into stripe_events (id, type, payload, stripe_created_at, processed_at)
    select e ->> 'id', e ->> 'type', e, to_timestamp((e ->> 'created')::bigint), case when e ->> 'type' = any(${appliedTypes}::text[]) then null else now() end
    from jsonb_array_elements(${`[${bodies.join(',')}]`}::jsonb) as e
    on conflict (id) do nothing
    returning id`.execute(db);
  return new Set(rows.map((row) => row.id));
}

/** The event as stored, read without a lock: what applying it reads from Stripe before its transaction. */
export async function findStripeEvent(db: Db, id: string) {
  return db.selectFrom('stripe_events').select(['type', 'payload', 'processed_at']).where('id', '=', id).executeTakeFirst();
}

/**
 * Claims the event for the transaction that applies it: marks it processed, which locks its row until the
 * commit (a second run of its job waits here, then finds it done), and says whether it was still unapplied.
 * Its payload was read before (findStripeEvent) and is not read again. What applying it writes can be rebuilt
 * from the stored event, so a claim also lets this transaction's commit return before the disk has it: should
 * Postgres crash in the next instant, the event is found unapplied and swept up again. Nothing leaves before
 * it is durable: an email is sent only after the outbox relay's own (durable, later) commit has released its row.
 * One statement for the three, as every event of an appeal pays for each.
 */
export async function claimStripeEvent(trx: Trx, id: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    update stripe_events set processed_at = now(), attempts = attempts + 1, last_error = null
    where id = ${id} and processed_at is null
    returning id, set_config('synchronous_commit', 'off', true)`.execute(trx);
  return rows.length > 0;
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
