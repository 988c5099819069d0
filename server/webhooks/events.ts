// Stripe events: stored once as they arrive, applied once by a job, swept up again if a job never ran.
import type Stripe from 'stripe';
import type { AppContext } from '../context';
import type { RecordedGift } from '../donations/sync/recording-context';
import { stripeEventHandlers } from './handlers';
import { commitWithoutWaitingForDisk, listUnappliedStripeEvents, lockStripeEvent, markStripeEventProcessed, noteStripeEventFailure } from './stripe-event.repository';

export type ApplyOutcome = 'applied' | 'ignored' | 'already applied';

/**
 * Applies a stored event in one transaction that also marks it processed; the row lock makes a second
 * run wait and then find it done. A failure rolls everything back and is noted for staff before it is rethrown.
 * With metrics on, the gifts it recorded are counted once the transaction has committed, never for a rolled-back attempt.
 */
export async function applyStripeEvent(
  ctx: Pick<AppContext, 'db' | 'stripe' | 'config'> & Partial<Pick<AppContext, 'clock' | 'metrics'>> & { logger?: Pick<AppContext['logger'], 'warn'> },
  eventId: string,
): Promise<ApplyOutcome> {
  const giftsRecorded: RecordedGift[] = [];
  try {
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      // The event itself was stored durably before Stripe had its 2xx; what applying it writes can be
      // rebuilt from it, so this commit does not wait for the disk. Should Postgres crash in the next
      // instant, the event is found unapplied and swept up again. Nothing leaves before it is durable:
      // an email is sent only after the outbox relay's own (durable, later) commit has released its row.
      await commitWithoutWaitingForDisk(trx);
      const row = await lockStripeEvent(trx, eventId);
      if (!row) throw new Error(`Stripe event ${eventId} is not stored`);
      if (row.processed_at) return 'already applied';
      await markStripeEventProcessed(trx, eventId);
      // The handler runs last: the shared rows it updates (a campaign's totals, the receipt counter) stay
      // locked from then until the commit, so the less that follows them, the less other gifts wait.
      const handler = stripeEventHandlers[row.type as Stripe.Event.Type];
      if (handler) {
        await handler(row.payload as Stripe.Event, {
          trx,
          stripe: ctx.stripe,
          generalFundSlug: ctx.config.donations.generalFundSlug,
          timeZone: ctx.config.organisation.timeZone,
          logger: ctx.logger,
          giftsRecorded,
        });
      }
      return handler ? 'applied' : 'ignored';
    });
    if (ctx.metrics && ctx.clock && giftsRecorded.length > 0) ctx.metrics.recordGifts(giftsRecorded, ctx.clock.now());
    return outcome;
  } catch (error) {
    await noteStripeEventFailure(ctx.db, eventId, error instanceof Error ? error.message.slice(0, 2000) : String(error)).catch(() => undefined);
    throw error;
  }
}

/**
 * Queues again every stored event still unapplied after `olderThanSeconds`: those whose enqueue was lost
 * while Redis was away, those whose job gave up, and those whose job finished but whose commit was lost.
 * Returns how many it queued or retried.
 */
export async function sweepStripeEvents(ctx: Pick<AppContext, 'db' | 'queues'>, olderThanSeconds = 120): Promise<number> {
  const stale = await listUnappliedStripeEvents(ctx.db, olderThanSeconds, 500);
  const queue = ctx.queues.queue('stripe-events');
  let swept = 0;
  for (const { id } of stale) {
    const job = await queue.getJob(id);
    if (!job) {
      if (await ctx.queues.enqueueStripeEvent(id)) swept += 1;
    } else if (await job.isFailed()) {
      await job.retry();
      swept += 1;
    } else if (await job.isCompleted()) {
      // Its job finished but what it applied is gone: Postgres crashed before that commit reached the disk.
      await job.remove();
      if (await ctx.queues.enqueueStripeEvent(id)) swept += 1;
    }
  }
  return swept;
}
