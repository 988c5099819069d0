// Impact updates: a 'fanout' job queues one 'email' job per donor; both run at the mail rate.
import type { Processor, WorkerOptions } from 'bullmq';
import type { ReadyConfig } from '../server/config';
import type { AppContext } from '../server/context';
import { fanOutImpactUpdate } from '../server/impact/fanout';
import { sendImpactEmail } from '../server/impact/send';
import type { QueuePayloads } from '../server/queues';

export const impactProcessor =
  (ctx: AppContext): Processor<QueuePayloads['impact']> =>
  async (job) => {
    const { updateId, donorId } = job.data;
    if (job.name === 'fanout') return fanOutImpactUpdate(ctx, updateId);
    if (job.name === 'email' && donorId !== undefined) return sendImpactEmail(ctx, updateId, donorId);
    throw new Error(`impact: no job named ${job.name} with ${JSON.stringify(job.data)}`);
  };

export const impactWorkerOptions = (config: ReadyConfig): Partial<WorkerOptions> => ({
  concurrency: config.mail.concurrency,
  limiter: { max: config.mail.ratePerSecond, duration: 1_000 },
  // Each job takes milliseconds; a short lock lets another worker take over the emails of one that
  // died within about 15 seconds rather than a minute. Live workers renew it every 5 seconds.
  lockDuration: 10_000,
  stalledInterval: 5_000,
});
