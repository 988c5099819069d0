// Stripe events: stored once as they arrive, applied once by a job, swept up again if a job never ran.
import type Stripe from 'stripe';
import type { AppContext } from '../context';
import type { RecordedGift } from '../donations/sync/recording-context';
import { StaleStripeReads, StripeReadNeeded, StripeSnapshot } from '../donations/sync/stripe-reads';
import { stripeEventHandlers, type StripeEventHandler } from './handlers';
import { claimStripeEvent, findStripeEvent, listUnappliedStripeEvents, noteStripeEventFailure } from './stripe-event.repository';

export type ApplyOutcome = 'applied' | 'ignored' | 'already applied';

/** Transactions one event may begin before it gives up for now (and its job retries): each one read something new or fresher. */
const attemptsPerApply = 20;

type ApplyingContext = Pick<AppContext, 'db' | 'stripe' | 'config'> & Partial<Pick<AppContext, 'clock' | 'metrics'>> & { logger?: Pick<AppContext['logger'], 'warn'> };

/**
 * Applies a stored event: what it needs from Stripe is read first, with no transaction open, then one
 * short transaction locks the event, marks it processed and applies it from those reads. The row lock
 * makes a second run wait and then find it done. Should the transaction need a read it lacks, or find a row
 * synced from fresher reads (another event about the same payment committed meanwhile), it is rolled back,
 * Stripe is read, and it runs again. A failure rolls everything back and is noted for staff before it is
 * rethrown. With metrics on, the gifts it recorded are counted once committed, never for a rolled-back attempt.
 */
export async function applyStripeEvent(ctx: ApplyingContext, eventId: string): Promise<ApplyOutcome> {
  try {
    const stored = await findStripeEvent(ctx.db, eventId);
    if (!stored) throw new Error(`Stripe event ${eventId} is not stored`);
    if (stored.processed_at) return 'already applied';
    const event = stored.payload as Stripe.Event;
    const handler = stripeEventHandlers[stored.type as Stripe.Event.Type];
    // An event whose gift (or refund) is already recorded asks Stripe nothing; it is only marked processed.
    const toApply = handler && !(await handler.done?.(event, ctx.db)) ? handler : undefined;
    let snapshot = toApply ? await readForEvent(ctx, toApply, event) : undefined;
    for (let attempt = 1; ; attempt++) {
      const giftsRecorded: RecordedGift[] = [];
      try {
        const outcome = await applyInOneTransaction(ctx, eventId, event, toApply && snapshot ? { handler: toApply, snapshot } : undefined, giftsRecorded);
        if (ctx.metrics && ctx.clock && giftsRecorded.length > 0) ctx.metrics.recordGifts(giftsRecorded, ctx.clock.now());
        return outcome === 'applied' && !handler ? 'ignored' : outcome;
      } catch (error) {
        if (attempt >= attemptsPerApply || !toApply || !snapshot) throw error;
        if (error instanceof StripeReadNeeded) await snapshot.readWanted();
        else if (error instanceof StaleStripeReads) snapshot = await readForEvent(ctx, toApply, event);
        else throw error;
      }
    }
  } catch (error) {
    await noteStripeEventFailure(ctx.db, eventId, error instanceof Error ? error.message.slice(0, 2000) : String(error)).catch(() => undefined);
    throw error;
  }
}

/** A new snapshot, and what the handler reads into it. */
async function readForEvent(ctx: ApplyingContext, handler: StripeEventHandler, event: Stripe.Event): Promise<StripeSnapshot> {
  const snapshot = await StripeSnapshot.begin(ctx.db, ctx.stripe);
  await handler.read(event, snapshot.fromStripe);
  return snapshot;
}

async function applyInOneTransaction(
  ctx: ApplyingContext,
  eventId: string,
  event: Stripe.Event,
  applying: { handler: StripeEventHandler; snapshot: StripeSnapshot } | undefined,
  giftsRecorded: RecordedGift[],
): Promise<ApplyOutcome> {
  return ctx.db.transaction().execute(async (trx) => {
    // The event itself was stored durably before Stripe had its 2xx (see claimStripeEvent).
    if (!(await claimStripeEvent(trx, eventId))) return 'already applied';
    // The handler runs last: the shared rows it updates (a campaign's totals, the receipt counter) stay
    // locked from then until the commit, so the less that follows them, the less other gifts wait.
    if (applying) {
      await applying.handler.apply(event, {
        trx,
        stripe: applying.snapshot.held,
        stripeRead: applying.snapshot.number,
        generalFundSlug: ctx.config.donations.generalFundSlug,
        timeZone: ctx.config.organisation.timeZone,
        logger: ctx.logger,
        giftsRecorded,
      });
    }
    return 'applied';
  });
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
