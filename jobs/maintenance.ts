// Periodic housekeeping, one job name per chore, each run by a BullMQ job scheduler.
import type { Processor, Queue } from 'bullmq';
import type { AppContext } from '../server/context';
import { sweepStripeEvents } from '../server/stripe/events';
import type { QueuePayloads } from './queues';

const chores: Record<string, { everyMs: number; run: (ctx: AppContext) => Promise<unknown> }> = {
  'sweep-stripe-events': { everyMs: 60_000, run: (ctx) => sweepStripeEvents(ctx) },
};

export async function scheduleChores(queue: Queue<QueuePayloads['maintenance']>): Promise<void> {
  for (const [name, chore] of Object.entries(chores)) {
    await queue.upsertJobScheduler(name, { every: chore.everyMs }, { name, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}

export const maintenanceProcessor =
  (ctx: AppContext): Processor<QueuePayloads['maintenance']> =>
  async (job) => {
    const chore = chores[job.name];
    if (!chore) throw new Error(`no chore named ${job.name}`);
    return chore.run(ctx);
  };
