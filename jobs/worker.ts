// The worker process: `npm run worker`. Registers one processor per queue and shuts down cleanly.
import os from 'node:os';
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
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

const workerOptions: Partial<Record<QueueName, (config: ReadyConfig) => Partial<WorkerOptions>>> = {
  emails: emailWorkerOptions,
  impact: impactWorkerOptions,
};

export interface RunningWorker {
  queues: QueueName[];
  /** Where 127.0.0.1 is served this process's metrics (WORKER_METRICS_PORT); undefined when they are off. */
  metricsPort: number | undefined;
  /** Lets active jobs finish, then closes connections. */
  stop(): Promise<void>;
}

export async function startWorker(config: ReadyConfig, logger: Logger): Promise<RunningWorker> {
  const ctx = openContext(config, logger);
  const connection = workerConnection(config.redisUrl);
  const queues = Object.keys(processors) as QueueName[];
  const workers = queues.map((queue) => {
    const worker = new Worker(queue, (processors[queue] as (ctx: AppContext) => Processor)(ctx), {
      connection,
      prefix: config.redisPrefix,
      autorun: true,
      concurrency: 8,
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
