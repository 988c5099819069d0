// Queue names and typed producers: the only place that knows them.
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Payload type per queue. */
export interface QueuePayloads {
  /** One stored Stripe event to apply; the job id is the event id, so a second enqueue is a no-op. */
  'stripe-events': { eventId: string };
  /** One owed email (an outbox row); the job id is the row's dedupe key, so it is sent once. */
  emails: { outboxId: number };
  /** Periodic housekeeping; the job name says which. */
  maintenance: Record<string, never>;
  /**
   * Impact updates: a 'fanout' job per update (job id impact-fanout-<update>) queues an 'email' job
   * per donor (job id impact-<update>-<donor>), which carries the donor.
   */
  impact: { updateId: number; donorId?: number };
}

export type QueueName = keyof QueuePayloads;
export const queueNames: QueueName[] = ['stripe-events', 'emails', 'maintenance', 'impact'];

/** Every job retries with exponential backoff, and finished jobs do not pile up in Redis. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000, age: 24 * 60 * 60 },
  removeOnFail: { count: 10_000 },
};

/** BullMQ workers block on Redis and must retry forever while it is away. */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * `work`, or a failure "`failure` within `ms` ms" when it takes longer. BullMQ waits for Redis to come
 * back rather than failing; callers that must not wait (a webhook answer, the outbox relay, a health
 * check) give up after `ms`, and whatever they were adding is retried later.
 */
export async function withinMs<T>(work: Promise<T>, ms: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${failure} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

export interface JobQueues {
  /**
   * Queues a stored Stripe event. Resolves false instead of waiting when Redis does not answer
   * within `timeoutMs`: the event is safe in Postgres and the sweeper will queue it later.
   */
  enqueueStripeEvent(eventId: string, timeoutMs?: number): Promise<boolean>;
  queue<Q extends QueueName>(name: Q): Queue<QueuePayloads[Q]>;
  close(): Promise<void>;
}

export function openQueues(connection: Redis, prefix: string): JobQueues {
  const queues = new Map<QueueName, Queue>();
  const queue = <Q extends QueueName>(name: Q): Queue<QueuePayloads[Q]> => {
    let found = queues.get(name);
    if (!found) {
      found = new Queue(name, { connection, prefix, defaultJobOptions });
      found.on('error', () => undefined);
      queues.set(name, found);
    }
    return found as Queue<QueuePayloads[Q]>;
  };
  // Events that arrive together are queued together: one round trip to Redis for a burst of webhooks.
  let batch: { ids: string[]; added: Promise<unknown> } | undefined;
  const addSoon = (eventId: string): Promise<unknown> => {
    if (!batch) {
      const ids: string[] = [];
      const added = new Promise((resolve) => setImmediate(resolve)).then(() => {
        batch = undefined;
        return (queue('stripe-events') as Queue<{ eventId: string }>).addBulk(ids.map((id) => ({ name: 'apply', data: { eventId: id }, opts: { jobId: id } })));
      });
      batch = { ids, added };
    }
    batch.ids.push(eventId);
    return batch.added;
  };
  return {
    queue,
    async enqueueStripeEvent(eventId, timeoutMs = 1_000) {
      return withinMs(addSoon(eventId), timeoutMs, 'queue a Stripe event: Redis did not answer').then(
        () => true,
        () => false,
      );
    },
    async close() {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
    },
  };
}
