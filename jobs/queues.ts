// Queue names and typed producers: the only place that knows them.
import { Redis } from 'ioredis';

/** Payload type per queue; a queue exists once a feature needs one (Stripe events, receipts, …). */
export interface QueuePayloads {}

export type QueueName = keyof QueuePayloads;

/** BullMQ workers block on Redis and must retry forever while it is away. */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
