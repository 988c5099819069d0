// The organisation's calendar: days written YYYY-MM-DD, each a day in its time zone
// (config.organisation.timeZone), as receipts, finance and reconciliation count them.
import type { Locale } from './locale';

export const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !dayPattern.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The calendar day `at` falls on in `timeZone`, as YYYY-MM-DD. */
export function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A YYYY-MM-DD day as a reader in `locale` writes it, "Apr 1, 2026" (medium) or "April 1, 2026" (long): the
 * day stays the day written, whatever the time zone.
 */
export function dayText(day: string, locale: Locale, style: 'medium' | 'long'): string {
  const key = `${locale} ${style}`;
  let format = dayFormats.get(key);
  if (!format) dayFormats.set(key, (format = new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' })));
  return format.format(new Date(`${day}T00:00:00Z`));
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(ms)
      .map((part) => [part.type, Number(part.value)]),
  );
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  const wall = new Date(Date.UTC(2000, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)).setUTCFullYear(parts.year!);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** When `day` begins in `timeZone`. */
function startOf(day: string, timeZone: string): Date {
  const wallMidnight = Date.parse(`${day}T00:00:00Z`);
  let guess = wallMidnight - offsetAt(wallMidnight, timeZone);
  // Once more at the guess, in case the offset changes (summer time) between UTC and local midnight.
  guess = wallMidnight - offsetAt(guess, timeZone);
  return new Date(guess);
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export function previousDay(day: string): string {
  return daysBefore(day, 1);
}

export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** [start, end) of a calendar day in `timeZone`. */
export function dayBounds(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: startOf(day, timeZone), end: startOf(nextDay(day), timeZone) };
}
