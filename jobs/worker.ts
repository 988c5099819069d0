// The worker process: `npm run worker`. Registers one processor per queue and shuts down cleanly.
import os from 'node:os';
import { DelayedError, Worker, type Processor, type WorkerOptions } from 'bullmq';
import Stripe from 'stripe';
import type { ReadyConfig } from '../server/config';
import { closeContext, openContext, type AppContext } from '../server/context';
import type { Logger } from '../server/logger';
import { runProcess } from '../server/lifecycle';
import { startMetricsListener } from '../server/metrics/listener';
import { emailProcessor, emailWorkerOptions } from './emails';
import { impactProcessor, impactWorkerOptions } from './impact';
import { maintenanceProcessor, scheduleChores } from './maintenance';
import { workerConnection, type QueueName, type QueuePayloads } from '../server/queues';
import { stripeEventProcessor } from './stripe-events';

type ProcessorTable = { [Q in QueueName]: (ctx: AppContext) => Processor<QueuePayloads[Q]> };

const processors: ProcessorTable = {
  'stripe-events': stripeEventProcessor,
  emails: emailProcessor,
  maintenance: maintenanceProcessor,
  impact: impactProcessor,
};

/**
 * Stripe events applied at once. Applying one waits mostly on Stripe (its reads come before the transaction,
 * which is short and holds no connection while Stripe answers), so many can wait together: at 150 ms a read,
 * 8 at once applied barely 20 events a second, under an appeal's 4 events a gift at 50 gifts a second.
 */
const stripeEventConcurrency = 48;
/** Jobs of the other queues each run up to 8 at once. */
const defaultConcurrency = 8;
/**
 * The worker's Postgres connections: events hold one only for their short transactions and brief reads, emails
 * one while SMTP takes the message (MAIL_CONCURRENCY), so fewer than the jobs in flight; well inside
 * Postgres's default 100 beside the web process's 10.
 */
const workerDatabaseConnections = 24;

const workerOptions: Partial<Record<QueueName, (config: ReadyConfig) => Partial<WorkerOptions>>> = {
  'stripe-events': () => ({ concurrency: stripeEventConcurrency }),
  emails: emailWorkerOptions,
  impact: impactWorkerOptions,
};

/**
 * A job that still meets Stripe's 429 (or no slot in the shared budget) after the client's own retries is
 * no worse for it: it waits a few seconds and runs again without spending one of its attempts, so that an
 * appeal's busy minutes never fail a gift for good.
 */
export function patientWithStripe<T>(processor: Processor<T>): Processor<T> {
  return async (job, token) => {
    try {
      return await processor(job, token);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeRateLimitError) || token === undefined) throw error;
      const retryAfterSeconds = Number(error.headers?.['retry-after']);
      const pauseMs = (Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 2_000) + Math.random() * 1_000;
      // BullMQ's timestamps are the real time, not the platform's clock.
      await job.moveToDelayed(Date.now() + pauseMs, token);
      throw new DelayedError();
    }
  };
}

export interface RunningWorker {
  queues: QueueName[];
  /** Where 127.0.0.1 is served this process's metrics (WORKER_METRICS_PORT); undefined when they are off. */
  metricsPort: number | undefined;
  /** Lets active jobs finish, then closes connections. */
  stop(): Promise<void>;
}

export async function startWorker(config: ReadyConfig, logger: Logger): Promise<RunningWorker> {
  const ctx = openContext(config, logger, undefined, { databaseConnections: workerDatabaseConnections });
  const connection = workerConnection(config.redisUrl);
  const queues = Object.keys(processors) as QueueName[];
  const workers = queues.map((queue) => {
    const worker = new Worker(queue, patientWithStripe((processors[queue] as (ctx: AppContext) => Processor)(ctx)), {
      connection,
      prefix: config.redisPrefix,
      autorun: true,
      concurrency: defaultConcurrency,
      // Every job takes well under a second: a short lock lets another worker take over the jobs of one
      // that died within about 15 seconds rather than a minute (a receipt, a gift). Live workers renew it.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      ...workerOptions[queue]?.(config),
    });
    worker.on('failed', (job, error) => logger.warn({ queue, jobId: job?.id, err: error }, 'job failed'));
    worker.on('error', (error) => logger.error({ queue, err: error }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  await scheduleChores(ctx.queues.queue('maintenance'), config);
  const metrics = ctx.metrics && config.metrics ? await startMetricsListener(ctx.metrics.registry, { port: config.metrics.workerPort, token: config.metrics.token }, logger) : undefined;
  // The chores' schedules live in Redis: after Redis comes back empty, schedule them again.
  ctx.redis.on('ready', () => {
    scheduleChores(ctx.queues.queue('maintenance'), config).catch((error: unknown) => logger.warn({ err: error }, 'chores: could not schedule'));
  });
  return {
    queues,
    metricsPort: metrics?.port,
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await metrics?.close();
      await connection.quit().catch(() => connection.disconnect());
      await closeContext(ctx);
    },
  };
}

if (require.main === module) {
  runProcess('worker', async (config, logger) => {
    // In a spike the web process should win the CPU: a webhook answered late is retried by Stripe and a
    // page answered late loses a donor, while a gift applied a second later loses nothing.
    try {
      os.setPriority(config.workerNiceness);
    } catch (error) {
      logger.warn({ err: error }, 'worker: could not lower its CPU priority');
    }
    const worker = await startWorker(config, logger);
    return { stop: worker.stop, describe: { queues: worker.queues, metricsPort: worker.metricsPort } };
  });
}
