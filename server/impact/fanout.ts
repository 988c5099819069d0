// The fan-out of an impact update: one delivery row and one email job per donor, in batches, safe to
// run again at any point; and the chore that runs it again when Redis lost what it had queued.
import { withinMs } from '../queues';
import type { AppContext } from '../context';
import { completeIfDone, findImpactUpdate, listStaleImpactUpdates, recipientsAfter, setTotalRecipients } from './impact.repository';
import { countDeliveries, listUnsentDeliveries, recordDeliveries } from './delivery.repository';

export const fanOutBatchSize = 500;

/** BullMQ job ids take no ':'; one id per update and one per (update, donor) make each add a no-op the second time. */
export const fanOutJobId = (updateId: number) => `impact-fanout-${updateId}`;
export const impactEmailJobId = (updateId: number, donorId: number) => `impact-${updateId}-${donorId}`;

export async function queueImpactFanOut(ctx: Pick<AppContext, 'queues'>, updateId: number, timeoutMs = 5_000): Promise<void> {
  await withinMs(ctx.queues.queue('impact').add('fanout', { updateId }, { jobId: fanOutJobId(updateId) }), timeoutMs, 'queue the impact fan-out: Redis did not answer');
}

export interface FanOutOutcome {
  recipients: number;
  queued: number;
}

/**
 * Walks the update's donors by id, 500 at a time: records a delivery for each (an existing one is kept)
 * and queues an email job for each delivery not yet sent. A crash anywhere leaves rows and jobs that a
 * second run recognises, so running it again sends nothing twice and finds whoever was missed.
 */
export async function fanOutImpactUpdate(ctx: Pick<AppContext, 'db' | 'queues'>, updateId: number, batchSize = fanOutBatchSize): Promise<FanOutOutcome> {
  const { db } = ctx;
  const update = await findImpactUpdate(db, updateId);
  if (!update) return { recipients: 0, queued: 0 };
  if (update.completed_at) return { recipients: update.total_recipients ?? 0, queued: 0 };
  let after = 0;
  let queued = 0;
  for (;;) {
    const donorIds = await recipientsAfter(db, update, after, batchSize);
    if (donorIds.length === 0) break;
    await recordDeliveries(db, updateId, donorIds);
    const pending = await listUnsentDeliveries(db, updateId, donorIds);
    if (pending.length > 0) {
      const queue = ctx.queues.queue('impact');
      await queue.addBulk(pending.map((donorId) => ({ name: 'email', data: { updateId, donorId }, opts: { jobId: impactEmailJobId(updateId, donorId) } })));
      // addBulk skips a job id that is still on the queue, failed ones included: a run after an SMTP outage retries those.
      for (const donorId of pending) {
        const job = await queue.getJob(impactEmailJobId(updateId, donorId));
        if (job && (await job.isFailed())) await job.retry();
      }
      queued += pending.length;
    }
    after = donorIds[donorIds.length - 1]!;
    if (donorIds.length < batchSize) break;
  }
  // Counted from the rows rather than the walk: a donor who opted out after a first, interrupted run
  // keeps the delivery that run recorded, and the sender marks it skipped.
  const total = await countDeliveries(db, updateId);
  await setTotalRecipients(db, updateId, total);
  await completeIfDone(db, updateId);
  return { recipients: total, queued };
}

/**
 * Queues the fan-out again for every recent update still incomplete after `olderThanSeconds` whose
 * fan-out job has finished or vanished: the email jobs it queued may have been lost with Redis. A
 * fan-out waiting or running is left alone; one that failed all its attempts stays failed for staff.
 */
export async function resumeImpactUpdates(ctx: Pick<AppContext, 'db' | 'queues'>, olderThanSeconds = 300): Promise<number> {
  const stale = await listStaleImpactUpdates(ctx.db, olderThanSeconds);
  const queue = ctx.queues.queue('impact');
  let requeued = 0;
  for (const id of stale) {
    const job = await queue.getJob(fanOutJobId(id));
    if (job) {
      if ((await job.getState()) !== 'completed') continue;
      await job.remove();
    }
    await queue.add('fanout', { updateId: id }, { jobId: fanOutJobId(id) });
    requeued += 1;
  }
  return requeued;
}
