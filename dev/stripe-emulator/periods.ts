// Billing periods counted from the subscription's anchor, so a gift started on 31 January renews
// on 28 February and then on 31 March again, as Stripe bills it.
import type Stripe from 'stripe';

const day = 24 * 60 * 60;

/** `anchor` moved on by `count` intervals, keeping its day of month where the month has it. */
export function addIntervals(anchor: number, interval: Stripe.Price.Recurring.Interval, count: number): number {
  if (interval === 'day') return anchor + count * day;
  if (interval === 'week') return anchor + count * 7 * day;
  const start = new Date(anchor * 1000);
  const months = start.getUTCMonth() + (interval === 'year' ? 12 * count : count);
  const year = start.getUTCFullYear() + Math.floor(months / 12);
  const month = months % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const moved = Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds());
  return Math.floor(moved / 1000);
}

/** The end of the period that follows one ending at `periodEnd`. */
export function nextPeriodEnd(anchor: number, recurring: Stripe.Price.Recurring, periodEnd: number): number {
  for (let periods = 1; ; periods++) {
    const end = addIntervals(anchor, recurring.interval, periods * recurring.interval_count);
    if (end > periodEnd) return end;
  }
}
