// Annual giving statements, by the organisation's fiscal year (ORG_FISCAL_YEAR_START): owed to every donor with
// a standing receipt in the year just ended, early in the next; and read for the email, the account and the PDF,
// made out to each giver apart: the donor as themselves, and each organisation they gave as.
import type { AppContext } from '../context';
import type { Config } from '../config';
import type { Db } from '../database';
import { relayOutbox } from '../outbox/outbox';
import { fiscalYearBounds, fiscalYearDays, fiscalYearLabel, fiscalYearOf, isYearOfAssessment } from '../fiscal-year';
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

/**
 * Whom part of a statement is made out to: the donor as themselves, or an organisation they gave as. Each
 * claims its own gifts' deduction, so each has its own lines and totals, never added to another's.
 */
export interface StatementGiver {
  kind: 'person' | 'organisation';
  name: string;
  /** An organisation's business registration number, the latest its gifts of the year gave; null for a person. */
  businessRegistration: string | null;
  gifts: StatementGift[];
}

export interface Statement {
  donor: StatementDonor;
  year: StatementYear;
  /** The person first, then each organisation in the order it first gave; none for a year without a standing receipt. */
  givers: StatementGiver[];
}

const latest = <T>(gifts: StatementGift[], pick: (gift: StatementGift) => T | null): T | null => gifts.map(pick).filter((value): value is T => value !== null).at(-1) ?? null;

/** An organisation's gifts go together by its name, as written whatever the case and spacing. */
const organisationKey = (gift: StatementGift) => (gift.donor_name ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The year's gifts (in the order given) by whom each gift was given as. donors.name follows the latest paid
 * gift, which may have been the company's: it names the person only while it is a person's name.
 */
function giversOf(donor: StatementDonor, gifts: StatementGift[]): StatementGiver[] {
  const own = gifts.filter((gift) => gift.donor_type === 'person');
  const organisations = new Map<string, StatementGift[]>();
  for (const gift of gifts) {
    if (gift.donor_type === 'person') continue;
    const key = organisationKey(gift);
    organisations.set(key, [...(organisations.get(key) ?? []), gift]);
  }
  const givers: StatementGiver[] = [];
  if (own.length > 0) {
    const name = (donor.donor_type === 'person' ? donor.name : null) ?? latest(own, (gift) => gift.donor_name || null) ?? donor.email;
    givers.push({ kind: 'person', name, businessRegistration: null, gifts: own });
  }
  for (const theirs of organisations.values()) {
    const name = latest(theirs, (gift) => gift.donor_name || null) ?? (donor.donor_type === 'person' ? null : donor.name) ?? donor.email;
    givers.push({ kind: 'organisation', name, businessRegistration: latest(theirs, (gift) => gift.donor_business_registration || null), gifts: theirs });
  }
  return givers;
}

/** Donor `donorId`'s statement of fiscal year `year`, gifts or none; undefined when there is no such donor. */
export async function readStatement(db: Db, config: FiscalConfig, donorId: number, year: number): Promise<Statement | undefined> {
  const fiscal = statementYear(config, year);
  const [donor, gifts] = await Promise.all([findStatementDonor(db, donorId), statementGifts(db, donorId, fiscal.period)]);
  return donor ? { donor, year: fiscal, givers: giversOf(donor, gifts) } : undefined;
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
