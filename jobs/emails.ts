// Sends one owed email; concurrency and the SMTP send rate come from config.
import type { Processor, WorkerOptions } from 'bullmq';
import type { ReadyConfig } from '../server/config';
import type { AppContext } from '../server/context';
import { sendOwedEmail } from '../server/emails';
import type { QueuePayloads } from '../server/queues';

export const emailProcessor =
  (ctx: AppContext): Processor<QueuePayloads['emails']> =>
  (job) =>
    sendOwedEmail(ctx, job.data.outboxId);

export const emailWorkerOptions = (config: ReadyConfig): Partial<WorkerOptions> => ({
  concurrency: config.mail.concurrency,
  limiter: { max: config.mail.ratePerSecond, duration: 1_000 },
});
