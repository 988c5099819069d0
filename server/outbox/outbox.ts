// Every email's path from the moment it is owed: written into the outbox table in the transaction that owes it (oweEmail in outbox.repository.ts), relayed into BullMQ, swept when Redis lost it.
import { withinMs } from '../queues';
import type { OutboxTopic } from '../tables/outbox.table';
import type { AppContext } from '../context';
import { listStaleOutbox, lockUnqueuedOutbox, markOutboxQueued, oweEmail } from './outbox.repository';

/**
 * Hands unqueued outbox rows to BullMQ, oldest first, and marks them queued. While Redis is away the
 * add fails, the transaction rolls back, and the rows wait for the next run. Returns how many it moved.
 */
export async function relayOutbox(ctx: Pick<AppContext, 'db' | 'queues'>, batchSize = 200): Promise<number> {
  let moved = 0;
  for (;;) {
    const count = await ctx.db.transaction().execute(async (trx) => {
      const rows = await lockUnqueuedOutbox(trx, batchSize);
      if (rows.length === 0) return 0;
      const jobs = rows.map((row) => ({ name: 'send', data: { outboxId: row.id }, opts: { jobId: row.dedupe_key } }));
      await withinMs(ctx.queues.queue('emails').addBulk(jobs), 2_000, 'relay the outbox: Redis did not answer');
      await markOutboxQueued(trx, rows.map((row) => row.id));
      return rows.length;
    });
    moved += count;
    if (count < batchSize) return moved;
  }
}

/**
 * A relay for a process that applies many gifts at once: whoever asks is answered by a relay that began
 * after they asked, and however many ask meanwhile, one more run waits behind the current one. (Two may
 * overlap for a moment as one hands over to the next; SKIP LOCKED keeps them off each other's rows.)
 */
export function outboxRelay(ctx: Pick<AppContext, 'db' | 'queues'>): () => Promise<number> {
  let running: Promise<number> | undefined;
  let next: Promise<number> | undefined;
  const start = (): Promise<number> => {
    const run = relayOutbox(ctx).finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => 0)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}

/**
 * Queues again what was queued but never sent: a job Redis no longer has (a restart without
 * persistence) is added again, and a job that used up its attempts (SMTP away for a while) is retried,
 * up to a cap after which it stays failed on the queue dashboard for staff.
 */
export async function sweepOutbox(ctx: Pick<AppContext, 'db' | 'queues'>, olderThanSeconds = 600): Promise<number> {
  const stale = await listStaleOutbox(ctx.db, olderThanSeconds);
  const queue = ctx.queues.queue('emails');
  let requeued = 0;
  for (const row of stale) {
    const job = await queue.getJob(row.dedupe_key);
    if (!job) await queue.add('send', { outboxId: row.id }, { jobId: row.dedupe_key });
    else if (await job.isFailed()) await job.retry();
    else continue;
    requeued += 1;
  }
  return requeued + (await relayOutbox(ctx));
}

/**
 * An email someone asks for at the door (a sign-in or password link): owed at once and relayed without
 * waiting, so that the answer takes the same time whoever the address belongs to. The relay chore
 * catches up if Redis is away.
 */
export async function oweRequestedEmail(ctx: Pick<AppContext, 'db' | 'queues' | 'logger'>, topic: OutboxTopic, dedupeKey: string, payload: { email: string } & Record<string, string>): Promise<void> {
  await oweEmail(ctx.db, topic, dedupeKey, payload);
  void relayOutbox(ctx).catch((error: unknown) => ctx.logger.warn({ err: error }, 'outbox: relay deferred'));
}
