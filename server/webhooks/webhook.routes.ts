// POST /webhooks/stripe: verify the signature on the raw body, store the event once, answer at once.
import express, { Router, type Request, type Response } from 'express';
import type Stripe from 'stripe';
import type { AppContext } from '../context';
import { AppError } from '../http/errors';
import type { Db } from '../database';
import { stripeEventHandlers } from './handlers';
import { storeStripeEventBodies } from './stripe-event.repository';

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

/**
 * What is kept of an event. customer.deleted carries the customer as it was, email and name included, and
 * comes after a donor who asked to be forgotten was erased (server/donors/data-rights/erasure.ts deletes the
 * customer): nothing acts on it, so only Stripe's stub of a deleted customer is stored.
 */
function storedFormOf(event: Stripe.Event): Stripe.Event {
  if (event.type !== 'customer.deleted') return event;
  return { ...event, data: { object: { id: event.data.object.id, object: 'customer', deleted: true } } } as unknown as Stripe.Event;
}

/** The types a job applies: any other (charge.succeeded, for one) is stored already processed and never queued. */
const appliedTypes = Object.keys(stripeEventHandlers);

/** Events stored in one statement at most, and their bodies' bytes at most, in one statement. */
const batchLimit = { events: 500, bytes: 4 * 1024 * 1024 };

interface Arrival {
  id: string;
  body: string;
  stored(first: boolean): void;
  failed(error: unknown): void;
}

/**
 * Stores events as they arrive, those of one turn of the event loop together: a burst of webhooks costs one
 * statement and one commit (waited for, so each is on disk before its 2xx) instead of one per event. Resolves
 * true for an event's first delivery; within a burst, the first of two deliveries of one event is the first.
 */
function eventStore(db: Db): (id: string, body: string) => Promise<boolean> {
  let gathering: Arrival[] | undefined;
  let bytes = 0;
  const answer = (arrivals: Arrival[], stored: Set<string>) => {
    for (const arrival of arrivals) {
      arrival.stored(stored.has(arrival.id));
      stored.delete(arrival.id);
    }
  };
  const store = (arrivals: Arrival[]) => {
    storeStripeEventBodies(db, arrivals.map((a) => a.body), appliedTypes).then(
      (stored) => answer(arrivals, stored),
      // One body Postgres refuses (jsonb takes no \u0000) must not fail the others: each is stored on its own.
      () => {
        for (const arrival of arrivals) storeStripeEventBodies(db, [arrival.body], appliedTypes).then((stored) => answer([arrival], stored), arrival.failed);
      },
    );
  };
  return (id, body) =>
    new Promise<boolean>((stored, failed) => {
      if (!gathering) {
        const batch: Arrival[] = [];
        [gathering, bytes] = [batch, 0];
        setImmediate(() => {
          if (gathering !== batch) return;
          gathering = undefined;
          store(batch);
        });
      }
      gathering.push({ id, body, stored, failed });
      bytes += body.length;
      if (gathering.length >= batchLimit.events || bytes >= batchLimit.bytes) {
        const full = gathering;
        gathering = undefined;
        store(full);
      }
    });
}

/** Stores the event once and queues it; the answer (for Stripe) says whether this delivery was the first. */
const receiveStripeEvent = ({ db, stripe, queues, config, logger }: AppContext) => {
  const storeEvent = eventStore(db);
  return async (req: Request, res: Response): Promise<void> => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event;
    try {
      event = stripe.webhooks.constructEvent(body, req.get('stripe-signature') ?? '', config.stripe.webhookSecret);
    } catch {
      throw new AppError(400, 'invalid_signature', 'The Stripe-Signature header does not match this body.');
    }
    if (!isEventShaped(event)) throw new AppError(400, 'invalid_event', 'The body is signed but is not a Stripe event.');
    // The verified body is stored as it came (it is the event, as JSON); only an event kept in part is written anew.
    const kept = storedFormOf(event);
    const first = await storeEvent(event.id, kept === event ? body.toString('utf8') : JSON.stringify(kept));
    // A duplicate is queued again too: if its first job was lost, this brings it back; if not, the job id dedupes it.
    if (event.type in stripeEventHandlers && !(await queues.enqueueStripeEvent(event.id))) {
      logger.warn({ eventId: event.id }, 'webhook: stored but not queued (Redis away); the sweeper will queue it');
    }
    res.json({ received: true, duplicate: !first });
  };
};

export function stripeWebhookRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), receiveStripeEvent(ctx));
  return router;
}
