// The organisation's fiscal year (ORG_FISCAL_YEAR_START), which its statements follow: the one a moment falls
// in by the organisation's calendar, when it begins and ends, and how people write it. Hong Kong's year of
// assessment runs from 1 April to 31 March. A fiscal year is known by the calendar year it begins in.
import { dayBounds, dayIn, previousDay } from './calendar';

/** The day each fiscal year begins: month 1 to 12, day of that month. */
export interface FiscalYearStart {
  month: number;
  day: number;
}

export const calendarYear: FiscalYearStart = { month: 1, day: 1 };

const pad = (n: number) => String(n).padStart(2, '0');

/** "04-01" → 1 April; undefined for anything but a day every year has (29 February is not one). */
export function parseFiscalYearStart(text: string): FiscalYearStart | undefined {
  const match = /^(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const start = { month: Number(match[1]), day: Number(match[2]) };
  // 2001 has no 29 February: a year that began then would have no first day three years in four.
  const date = new Date(Date.UTC(2001, start.month - 1, start.day));
  return date.getUTCMonth() === start.month - 1 && date.getUTCDate() === start.day ? start : undefined;
}

/** Whether the fiscal year is Hong Kong's year of assessment, by which section 88 deductions are claimed. */
export const isYearOfAssessment = (start: FiscalYearStart) => start.month === 4 && start.day === 1;

const isCalendarYear = (start: FiscalYearStart) => start.month === 1 && start.day === 1;

/** The fiscal year `at` falls in, in `timeZone`: the calendar year it began in. */
export function fiscalYearOf(at: Date, start: FiscalYearStart, timeZone: string): number {
  const [year, month, day] = dayIn(at, timeZone).split('-').map(Number) as [number, number, number];
  return month > start.month || (month === start.month && day >= start.day) ? year : year - 1;
}

const firstDayOf = (year: number, start: FiscalYearStart) => `${String(year).padStart(4, '0')}-${pad(start.month)}-${pad(start.day)}`;

/** Its first and last days, YYYY-MM-DD, as people read them. */
export function fiscalYearDays(year: number, start: FiscalYearStart): { first: string; last: string } {
  return { first: firstDayOf(year, start), last: previousDay(firstDayOf(year + 1, start)) };
}

/** [start, end): from the first day's midnight in `timeZone` to the next fiscal year's. */
export function fiscalYearBounds(year: number, start: FiscalYearStart, timeZone: string): { start: Date; end: Date } {
  return { start: dayBounds(firstDayOf(year, start), timeZone).start, end: dayBounds(firstDayOf(year + 1, start), timeZone).start };
}

/** "2026" for a calendar year; "2026/27" for one that runs into the next, as Hong Kong writes a year of assessment. */
export function fiscalYearLabel(year: number, start: FiscalYearStart): string {
  return isCalendarYear(start) ? String(year) : `${year}/${pad((year + 1) % 100)}`;
}

/** The fifth day of each fiscal year, when last year's statements go out: by then its last gifts have settled, and cheques banked. */
export function statementDay(start: FiscalYearStart): FiscalYearStart {
  const date = new Date(Date.UTC(2001, start.month - 1, start.day + 4));
  return { month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
