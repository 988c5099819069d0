// Annual giving statements, by the organisation's fiscal year (ORG_FISCAL_YEAR_START): owed to every donor with
// a standing receipt in the year just ended, early in the next; and read for the email, the account and the PDF.
import type { AppContext } from '../context';
import type { Config } from '../config';
import type { Db } from '../database';
import { relayOutbox } from '../outbox/outbox';
import { fiscalYearBounds, fiscalYearDays, fiscalYearLabel, fiscalYearOf, isYearOfAssessment } from './fiscal-year';
import { findStatementDonor, oweStatementsForYear, statementGifts, type StatementDonor, type StatementGift } from './statement.repository';

type FiscalConfig = Pick<Config, 'fiscalYearStart' | 'organisation'>;

/** Fiscal year `year` (the calendar year it begins in) as a statement needs it. */
export function statementYear(config: FiscalConfig, year: number) {
  const start = config.fiscalYearStart;
  return {
    year,
    label: fiscalYearLabel(year, start),
    period: fiscalYearBounds(year, start, config.organisation.timeZone),
    days: fiscalYearDays(year, start),
    /** Hong Kong's year of assessment: the statement then totals HKD gifts for section 88. */
    yearOfAssessment: isYearOfAssessment(start),
  };
}

export type StatementYear = ReturnType<typeof statementYear>;

export interface Statement {
  donor: StatementDonor;
  year: StatementYear;
  gifts: StatementGift[];
}

/** Donor `donorId`'s statement of fiscal year `year`, gifts or none; undefined when there is no such donor. */
export async function readStatement(db: Db, config: FiscalConfig, donorId: number, year: number): Promise<Statement | undefined> {
  const fiscal = statementYear(config, year);
  const [donor, gifts] = await Promise.all([findStatementDonor(db, donorId), statementGifts(db, donorId, fiscal.period)]);
  return donor ? { donor, year: fiscal, gifts } : undefined;
}

/** Owes fiscal year `year`'s statement to every donor with a standing receipt in it; a second run owes nothing new. */
export async function oweAnnualStatements(ctx: Pick<AppContext, 'db' | 'queues' | 'config'>, year: number): Promise<number> {
  const owed = await oweStatementsForYear(ctx.db, statementYear(ctx.config, year));
  await relayOutbox(ctx).catch(() => undefined);
  return owed;
}

/** The chore early in each fiscal year: the statements of the year just ended, by the organisation's calendar. */
export function oweLastYearsStatements(ctx: Pick<AppContext, 'db' | 'queues' | 'clock' | 'config'>): Promise<number> {
  return oweAnnualStatements(ctx, fiscalYearOf(ctx.clock.now(), ctx.config.fiscalYearStart, ctx.config.organisation.timeZone) - 1);
}
