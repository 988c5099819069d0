// The annual giving statement: every receipted gift of a calendar year, totalled per currency.
import type { AppContext } from '../context';
import { asLocale } from '../http/language';
import { defaultLocale, localize } from '../locale';
import { addMoney, formatMoney, type Money } from '../money';
import { receiptYear } from './issue';
import { relayOutbox } from '../outbox/outbox';
import { oweStatementsForYear, type StatementGift } from './receipt.repository';

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

export function statementView(gifts: StatementGift[], locale: string, timeZone: string) {
  const l = asLocale(locale) ?? defaultLocale;
  const totals: Money[] = [];
  const lines = gifts.map((gift) => {
    const kept = { amount: Number(gift.kept ?? gift.amount), currency: gift.currency };
    const index = totals.findIndex((t) => t.currency === kept.currency);
    if (index === -1) totals.push(kept);
    else totals[index] = addMoney(totals[index]!, kept);
    return {
      number: gift.number,
      givenOn: new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone }).format(gift.issued_at),
      campaign: localize(gift.title, l),
      amount: formatMoney(kept, l),
    };
  });
  return { lines, totals: totals.map((t) => formatMoney(t, l)) };
}
