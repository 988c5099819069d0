// Applies one stored Stripe event; BullMQ retries with backoff when Stripe or Postgres is briefly away.
import type { Processor } from 'bullmq';
import type { AppContext } from '../server/context';
import { applyStripeEvent } from '../server/stripe/events';
import type { QueuePayloads } from './queues';

export const stripeEventProcessor =
  (ctx: AppContext): Processor<QueuePayloads['stripe-events']> =>
  (job) =>
    applyStripeEvent(ctx, job.data.eventId);
