// What operators scrape from each process (METRICS_PORT): gifts recorded, payment → ledger lag, queue
// depths, Stripe calls and 429s by operation, the shared Stripe budget in use, how long donors waited for
// Checkout. One registry per process context, never prom-client's
// global one, so a web and a worker sharing one Node process (`npm start`, the tests) keep their own.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { queueNames, withinMs, type JobQueues } from '../queues';
import type { StripeBudget } from '../stripe/budget';

/** A gift whose ledger row was newly recorded: its currency, and when the donor paid (the charge's creation). */
export interface RecordedGift {
  currency: string;
  paidAt: Date;
}

export interface Metrics {
  registry: Registry;
  /** Counts gifts whose ledger rows have committed, with how long after the payment they did. */
  recordGifts(gifts: readonly RecordedGift[], committedAt: Date): void;
  /** Counts one answer from Stripe to an operation such as `GET /v1/payment_intents/{id}`. */
  countStripeResponse(operation: string, status: number): void;
  /** How long a donor waited for their Checkout Session to open: 0 for one who went straight through. */
  observeCheckoutWait(waitedMs: number): void;
}

const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

export function createMetrics(queues: JobQueues, budget?: Pick<StripeBudget, 'inUse'>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smilefund_' });

  const giftsRecorded = new Counter({
    name: 'smilefund_gifts_recorded_total',
    help: 'Gifts whose ledger row was newly recorded (counted once committed), by currency.',
    labelNames: ['currency'] as const,
    registers: [registry],
  });
  const paymentToLedger = new Histogram({
    name: 'smilefund_payment_to_ledger_seconds',
    help: 'From the charge’s creation at Stripe to its gift’s ledger row committing.',
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const stripeRequests = new Counter({
    name: 'smilefund_stripe_requests_total',
    help: 'Answers from Stripe by operation (method and path, ids replaced) and HTTP status, each try of a retried call counted; calls the budget held back never reached Stripe and are not counted.',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const stripeRateLimited = new Counter({
    name: 'smilefund_stripe_rate_limited_total',
    help: 'Answers 429 Too Many Requests from Stripe, by operation.',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'smilefund_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read from Redis when scraped.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      // A scrape while Redis is away answers without the gauge rather than hang or report stale depths.
      this.reset();
      await Promise.all(
        queueNames.map(async (queue) => {
          const counts = await withinMs(queues.queue(queue).getJobCounts(...queueStates), 1_000, 'count jobs: Redis did not answer').catch(() => undefined);
          for (const state of queueStates) if (counts) this.set({ queue, state }, counts[state] ?? 0);
        }),
      );
    },
  });
  new Gauge({
    name: 'smilefund_stripe_budget_in_use',
    help: 'Stripe calls admitted by the shared budget within the last second, across every process, by operation ("*": all of them), read from Redis when scraped.',
    labelNames: ['operation'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!budget) return;
      const inUse = await withinMs(budget.inUse(), 1_000, 'read the Stripe budget: Redis did not answer').catch(() => ({}));
      for (const [operation, count] of Object.entries(inUse)) this.set({ operation }, count);
    },
  });
  const checkoutWait = new Histogram({
    name: 'smilefund_checkout_wait_seconds',
    help: 'How long a donor waited for a slot in the Stripe budget before their Checkout Session opened (0: straight through).',
    buckets: [0, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });

  return {
    registry,
    recordGifts(gifts, committedAt) {
      for (const gift of gifts) {
        giftsRecorded.inc({ currency: gift.currency });
        // Stripe's clock and ours may disagree by a little: a lag is never negative.
        paymentToLedger.observe(Math.max(0, (committedAt.getTime() - gift.paidAt.getTime()) / 1000));
      }
    },
    countStripeResponse(operation, status) {
      stripeRequests.inc({ operation, status: String(status) });
      if (status === 429) stripeRateLimited.inc({ operation });
    },
    observeCheckoutWait(waitedMs) {
      checkoutWait.observe(Math.max(0, waitedMs) / 1000);
    },
  };
}
