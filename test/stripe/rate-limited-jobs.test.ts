import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import Stripe from 'stripe';
import { patientWithStripe } from '../../jobs/worker';
import { startStripeEmulator, type StripeEmulator } from '../../dev/stripe-emulator/index';
import { workerConnection } from '../../server/queues';
import { createStripeClient } from '../../server/stripe/client';
import { testNow } from '../support/clock';
import { testRedisUrl } from '../support/services';

describe('a job that Stripe keeps answering 429', () => {
  let emulator: StripeEmulator;
  let connection: Redis;
  let eventsConnection: Redis;
  const prefix = `smilefund-test:${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    // Stripe refuses every call to list customers, as it would on an account far over its limits, and allows the rest.
    emulator = await startStripeEmulator({ clockStart: testNow, load: { limits: { global: 1000, perOperation: 1000, operations: { 'GET /v1/customers': 0 } } } });
    connection = workerConnection(testRedisUrl);
    eventsConnection = workerConnection(testRedisUrl);
  });
  afterAll(async () => {
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    await connection.quit();
    await eventsConnection.quit();
    await emulator.stop();
  });

  it('is put off and runs again without spending its attempts, then succeeds once Stripe answers', async () => {
    // No budget and so no retries in the client: the 429 reaches the job, as it would after the client's retries.
    const stripe = createStripeClient({ secretKey: emulator.secretKey, apiUrl: emulator.url });
    const queue = new Queue('stripe-events', { connection, prefix });
    const events = new QueueEvents('stripe-events', { connection: eventsConnection, prefix });
    const runs: string[] = [];
    const worker = new Worker(
      'stripe-events',
      patientWithStripe(async () => {
        // Refused the first two times; then Stripe has room again (here: the job asks for something it allows).
        if (runs.length < 2) {
          runs.push('refused');
          await stripe.customers.list();
        }
        runs.push('done');
        return (await stripe.customers.create({ email: 'after-the-rush@example.com' })).id;
      }),
      { connection, prefix },
    );
    try {
      await events.waitUntilReady();
      // One attempt only: a rate limit counted as a failure would fail this job for good.
      const job = await queue.add('apply', { eventId: 'evt_rush' }, { attempts: 1 });
      const customerId = (await job.waitUntilFinished(events, 180_000)) as string;

      expect(customerId).toMatch(/^cus_/);
      expect(runs).toEqual(['refused', 'refused', 'done']);
      const finished = (await queue.getJob(job.id!))!;
      expect(finished.finishedOn).toBeDefined();
      expect(finished.failedReason).toBeFalsy();
      expect(await queue.getFailedCount()).toBe(0);
      expect(emulator.stripeCalls()['GET /v1/customers']?.reduce((sum, s) => sum + s.refused, 0)).toBe(2);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });

  it('that is not a rate limit fails as before', async () => {
    const queue = new Queue('emails', { connection, prefix });
    const events = new QueueEvents('emails', { connection: eventsConnection, prefix });
    const worker = new Worker(
      'emails',
      patientWithStripe(async () => {
        throw new Stripe.errors.StripeAPIError({ message: 'Stripe had a problem', type: 'api_error' });
      }),
      { connection, prefix },
    );
    try {
      await events.waitUntilReady();
      const job = await queue.add('send', { outboxId: 1 }, { attempts: 1 });
      await expect(job.waitUntilFinished(events, 180_000)).rejects.toThrow('Stripe had a problem');
      expect(await queue.getFailedCount()).toBe(1);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});
