// The outbox's queries: owing an email, relaying and sweeping the rows, and noting how a send went.
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import type { OutboxMessage, OutboxTopic } from '../tables/outbox.table';

/** Records that an email is owed; a second call with the same key changes nothing. */
export async function oweEmail(db: Db, topic: OutboxTopic, dedupeKey: string, payload: Record<string, string | number | null>): Promise<void> {
  await db.insertInto('outbox').values({ topic, dedupe_key: dedupeKey, payload }).onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
}

/** The oldest rows not yet handed to BullMQ, locked; rows another relay holds are skipped, not waited for. */
export async function lockUnqueuedOutbox(trx: Trx, limit: number): Promise<Pick<OutboxMessage, 'id' | 'dedupe_key'>[]> {
  return trx.selectFrom('outbox').select(['id', 'dedupe_key']).where('queued_at', 'is', null).orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

export async function markOutboxQueued(trx: Trx, ids: number[]): Promise<void> {
  await trx.updateTable('outbox').set({ queued_at: sql`now()` }).where('id', 'in', ids).execute();
}

/** Rows queued more than `olderThanSeconds` ago and still unsent, short of the retry cap. */
export async function listStaleOutbox(db: Db, olderThanSeconds: number, maxAttempts = 50): Promise<Pick<OutboxMessage, 'id' | 'dedupe_key'>[]> {
  return db
    .selectFrom('outbox')
    .select(['id', 'dedupe_key'])
    .where('sent_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .where('queued_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy('id')
    .limit(1000)
    .execute();
}

/** Whether a requested email was asked for within `minutes`: a request older than its link would live is not worth sending. */
export async function askedWithin(db: Db, outboxId: number, minutes: number): Promise<boolean> {
  const row = await db.selectFrom('outbox').select('id').where('id', '=', outboxId).where('created_at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`).executeTakeFirst();
  return row !== undefined;
}

/** A request for an address that is nobody's (or no longer worth answering) keeps no trace of the address. */
export async function forgetRequestedAddress(db: Db, outboxId: number): Promise<void> {
  await db.updateTable('outbox').set({ payload: sql`jsonb_set(payload, '{email}', 'null')` }).where('id', '=', outboxId).execute();
}

/** The row a send is about, locked until the send's transaction ends. */
export async function lockOutboxRow(trx: Trx, outboxId: number): Promise<OutboxMessage | undefined> {
  return trx.selectFrom('outbox').selectAll().where('id', '=', outboxId).forUpdate().executeTakeFirst();
}

/** Counts the attempt and marks the row sent; with `onlyIfUnsent`, touches it only if nobody else has, and says whether it did. */
export async function markOutboxSent(db: Db, outboxId: number, lastError: string | null, onlyIfUnsent: boolean): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({ sent_at: sql`now()`, attempts: eb('attempts', '+', 1), last_error: lastError }))
    .where('id', '=', outboxId)
    .$if(onlyIfUnsent, (qb) => qb.where('sent_at', 'is', null))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function noteOutboxFailure(db: Db, outboxId: number, lastError: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: lastError }))
    .where('id', '=', outboxId)
    .execute();
}
