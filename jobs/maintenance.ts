// Periodic housekeeping, one job name per chore, each run by a BullMQ job scheduler.
import type { Processor, Queue, RepeatOptions } from 'bullmq';
import type { ReadyConfig } from '../server/config';
import type { AppContext } from '../server/context';
import { forgetOldAttempts } from '../server/donations/card-testing';
import { movePlansOffClosedRounds } from '../server/donations/plan-moves';
import { reconcileYesterday } from '../server/finance/reconciliation/reconciliation';
import { foldGiftDaySlots } from '../server/finance/gift-day-totals.repository';
import { resumeImpactUpdates } from '../server/impact/fanout';
import { relayOutbox, sweepOutbox } from '../server/outbox/outbox';
import { oweLastYearsStatements } from '../server/receipts/statements';
import { statementDay } from '../server/fiscal-year';
import { sweepStripeEvents } from '../server/webhooks/events';
import type { QueuePayloads } from '../server/queues';

interface Chore {
  repeat: (config: ReadyConfig) => Omit<RepeatOptions, 'key'>;
  run: (ctx: AppContext) => Promise<unknown>;
}

const every = (ms: number) => () => ({ every: ms });

const chores: Record<string, Chore> = {
  'sweep-stripe-events': { repeat: every(60_000), run: (ctx) => sweepStripeEvents(ctx) },
  // The gift's job relays its own outbox rows at once; this catches what it could not (Redis away).
  'relay-outbox': { repeat: every(5_000), run: (ctx) => relayOutbox(ctx) },
  'sweep-outbox': { repeat: every(5 * 60_000), run: (ctx) => sweepOutbox(ctx) },
  // An impact update still incomplete after five minutes has its fan-out run again: any email job Redis lost is queued anew.
  'resume-impact-updates': { repeat: every(60_000), run: (ctx) => resumeImpactUpdates(ctx, 300) },
  // Monthly and yearly gifts leave a round soon after it closes, well before their next renewal; a renewal
  // that comes first moves its plan itself (server/donations/sync/record.ts).
  'move-plans-off-closed-rounds': { repeat: every(10 * 60_000), run: (ctx) => movePlansOffClosedRounds(ctx, ctx.clock.now()) },
  // Early in each fiscal year (ORG_FISCAL_YEAR_START), once the last year's gifts have settled: its statement to every donor.
  'annual-statements': {
    repeat: (config) => {
      const { month, day } = statementDay(config.fiscalYearStart);
      return { pattern: `0 9 ${day} ${month} *`, tz: config.organisation.timeZone };
    },
    run: (ctx) => oweLastYearsStatements(ctx),
  },
  // At 03:15: the card-testing brake's month-old declines and the networks gifts were started from, forgotten.
  'forget-old-attempts': { repeat: (config) => ({ pattern: '15 3 * * *', tz: config.organisation.timeZone }), run: (ctx) => forgetOldAttempts(ctx.db) },
  // At 04:10: the gifts ledger's summary rows of past days, sixteen slots each while they were today's, folded into one.
  'fold-gift-day-slots': { repeat: (config) => ({ pattern: '10 4 * * *', tz: config.organisation.timeZone }), run: (ctx) => foldGiftDaySlots(ctx.db, ctx.clock.now()) },
  // At 02:30 in the organisation's time zone: yesterday's balance transactions against the ledger, missed webhooks recovered first.
  'reconcile-yesterday': { repeat: (config) => ({ pattern: '30 2 * * *', tz: config.organisation.timeZone }), run: (ctx) => reconcileYesterday(ctx) },
};

export async function scheduleChores(queue: Queue<QueuePayloads['maintenance']>, config: ReadyConfig): Promise<void> {
  for (const [name, chore] of Object.entries(chores)) {
    await queue.upsertJobScheduler(name, chore.repeat(config), { name, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}

export const maintenanceProcessor =
  (ctx: AppContext): Processor<QueuePayloads['maintenance']> =>
  async (job) => {
    const chore = chores[job.name];
    if (!chore) throw new Error(`no chore named ${job.name}`);
    return chore.run(ctx);
  };
