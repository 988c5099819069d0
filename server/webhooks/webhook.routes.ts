// POST /webhooks/stripe: verify the signature on the raw body, store the event once, answer at once.
import express, { Router, type Request, type Response } from 'express';
import type Stripe from 'stripe';
import type { AppContext } from '../context';
import { AppError } from '../http/errors';
import { storeStripeEvent } from './stripe-event.repository';

// A signature proves who sent the body, not that it is an event: a test or a misconfigured endpoint
// can sign anything, and what is stored must have the fields the jobs read.
function isEventShaped(event: unknown): event is Stripe.Event {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const { id, type, created, data } = event as Record<string, unknown>;
  return (
    typeof id === 'string' && /^evt_\w{1,250}$/.test(id) && typeof type === 'string' && type.length <= 200 && Number.isSafeInteger(created) &&
    typeof data === 'object' && data !== null && typeof (data as { object?: unknown }).object === 'object' && (data as { object?: unknown }).object !== null
  );
}

/** Stores the event once and queues it; the answer (for Stripe) says whether this delivery was the first. */
const receiveStripeEvent = ({ db, stripe, queues, config, logger }: AppContext) => async (req: Request, res: Response): Promise<void> => {
  let event;
  try {
    event = stripe.webhooks.constructEvent(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('stripe-signature') ?? '', config.stripe.webhookSecret);
  } catch {
    throw new AppError(400, 'invalid_signature', 'The Stripe-Signature header does not match this body.');
  }
  if (!isEventShaped(event)) throw new AppError(400, 'invalid_event', 'The body is signed but is not a Stripe event.');
  const first = await storeStripeEvent(db, event);
  // A duplicate is queued again too: if its first job was lost, this brings it back; if not, the job id dedupes it.
  const queued = await queues.enqueueStripeEvent(event.id);
  if (!queued) logger.warn({ eventId: event.id }, 'webhook: stored but not queued (Redis away); the sweeper will queue it');
  res.json({ received: true, duplicate: !first });
};

export function stripeWebhookRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), receiveStripeEvent(ctx));
  return router;
}
