// The annual giving statement as the email and the donor's account show it: its lines, and a total per currency.
import { localeFrom } from '../http/language';
import { localize } from '../locale';
import { addMoney, formatMoney, type Money } from '../money';
import type { StatementGift } from './receipt.repository';

export function statementView(gifts: StatementGift[], locale: string, timeZone: string) {
  const l = localeFrom(locale);
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
