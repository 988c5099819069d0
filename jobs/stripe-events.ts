// Applies one stored Stripe event, then relays the emails it owes; BullMQ retries with backoff when
// Stripe or Postgres is briefly away.
import type { Processor } from 'bullmq';
import type { AppContext } from '../server/context';
import { outboxRelay } from '../server/outbox/outbox';
import { applyStripeEvent } from '../server/webhooks/events';
import type { QueuePayloads } from '../server/queues';

export const stripeEventProcessor = (ctx: AppContext): Processor<QueuePayloads['stripe-events']> => {
  const relay = outboxRelay(ctx);
  return async (job) => {
    const outcome = await applyStripeEvent(ctx, job.data.eventId);
    // The rows are committed; if this relay fails, the relay-outbox chore moves them later.
    await relay().catch((error: unknown) => ctx.logger.warn({ err: error }, 'outbox: relay deferred'));
    return outcome;
  };
};
