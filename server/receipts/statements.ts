// Annual giving statements: owed to every donor with a receipted gift in a calendar year, each January.
import type { AppContext } from '../context';
import { receiptYear } from './issue';
import { relayOutbox } from '../outbox/outbox';
import { oweStatementsForYear } from './receipt.repository';

/** Owes a statement to every donor with a standing receipted gift in `year`; a second run owes nothing new. */
export async function oweAnnualStatements(ctx: Pick<AppContext, 'db' | 'queues'>, year: number): Promise<number> {
  const owed = await oweStatementsForYear(ctx.db, year);
  await relayOutbox(ctx).catch(() => undefined);
  return owed;
}

/** The January chore: last year's statements, the year by the organisation's calendar. */
export function oweLastYearsStatements(ctx: Pick<AppContext, 'db' | 'queues' | 'clock' | 'config'>): Promise<number> {
  return oweAnnualStatements(ctx, receiptYear(ctx.clock.now(), ctx.config.organisation.timeZone) - 1);
}
