// A donor's share of a reported round in sentences: what their gifts were of the round's income, and what
// that share is of the children operated and the speech-therapy sessions given. Shared by the account
// page and the report's email, so both say the same thing the same way.
import { translate, type MessageKey } from '../../i18n/messages';
import { localize, type Locale } from '../../locale';
import { formatMoney, type Money } from '../../money';
import type { DonorShareRow } from './report.repository';
import { hundredthsOfPercent, outcomeShare, type OutcomeShare } from './shares';

export interface ShareOfRound {
  /** The round's title in the reader's language. */
  round: string;
  /** What the donor gave, per currency, net. */
  given: Money[];
  /** Their part of the income, in the report's currency. */
  counted: Money;
  income: Money;
  childrenOperated: number;
  speechTherapySessions: number;
}

const number = (value: number, locale: Locale, fractionDigits = 0) => new Intl.NumberFormat(locale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);

function percentOfIncome(counted: number, income: number, locale: Locale): string {
  const hundredths = hundredthsOfPercent(counted, income);
  return hundredths === 0 ? translate(locale, 'share.percentBelow') : translate(locale, 'share.percent', { percent: number(hundredths / 100, locale, 2) });
}

function partOf(unit: 'operations' | 'sessions', share: OutcomeShare, locale: Locale): string | undefined {
  const key = (kind: string) => `share.${unit}.${kind}` as MessageKey;
  switch (share.kind) {
    case 'none':
      return undefined;
    case 'one':
    case 'tiny':
      return translate(locale, key(share.kind));
    case 'many':
      return translate(locale, key('many'), { n: share.tenths >= 100 ? number(Math.round(share.tenths / 10), locale) : number(share.tenths / 10, locale, share.tenths % 10 === 0 ? 0 : 1) });
    case 'fraction':
      return translate(locale, key('fraction'), { fraction: translate(locale, `share.fraction.${share.denominator}` as MessageKey) });
    case 'percent':
      return translate(locale, key('percent'), { percent: number(share.percent, locale) });
  }
}

/** The sentences telling a donor their share of one round, in `locale`. */
export function shareSentences(share: ShareOfRound, locale: Locale): string[] {
  const given = new Intl.ListFormat(locale, { type: 'conjunction' }).format(share.given.map((m) => formatMoney(m, locale)));
  const exact = share.given.length === 1 && share.given[0]!.currency === share.counted.currency;
  const values = { given, counted: formatMoney(share.counted, locale), round: share.round, income: formatMoney(share.income, locale), percent: percentOfIncome(share.counted.amount, share.income.amount, locale) };
  const sentences = [translate(locale, exact ? 'share.ofIncome' : 'share.ofIncomeCounted', values)];
  const operations = partOf('operations', outcomeShare(share.childrenOperated, share.counted.amount, share.income.amount), locale);
  if (operations) sentences.push(translate(locale, 'share.operations', { children: number(share.childrenOperated, locale), part: operations }));
  const sessions = partOf('sessions', outcomeShare(share.speechTherapySessions, share.counted.amount, share.income.amount), locale);
  if (sessions) sentences.push(translate(locale, operations ? 'share.sessions' : 'share.sessionsOnly', { sessions: number(share.speechTherapySessions, locale), part: sessions }));
  return sentences;
}

/** The donor's rows (one per round and currency) gathered into one share per round, latest report first. */
export function sharesOfRounds(rows: DonorShareRow[], locale: Locale) {
  const byRound = new Map<number, DonorShareRow[]>();
  for (const row of rows) byRound.set(row.campaign_id, [...(byRound.get(row.campaign_id) ?? []), row]);
  return [...byRound.values()].map((own) => {
    const first = own[0]!;
    const round = localize(first.title, locale);
    const share: ShareOfRound = {
      round,
      given: own.filter((row) => row.given !== 0).map((row) => ({ amount: row.given, currency: row.currency })),
      counted: { amount: own.reduce((total, row) => total + row.counted, 0), currency: first.report_currency },
      income: { amount: first.income, currency: first.report_currency },
      childrenOperated: first.children_operated,
      speechTherapySessions: first.speech_therapy_sessions,
    };
    return {
      slug: first.slug,
      href: `/campaigns/${first.slug}`,
      round,
      mission: localize(first.mission_title, locale),
      missionHref: `/missions/${first.mission_slug}`,
      reportedAt: first.published_at,
      reportCurrency: first.report_currency,
      sentences: shareSentences(share, locale),
    };
  });
}

export type RoundShareView = ReturnType<typeof sharesOfRounds>[number];

/** The stated rounding rule, in `locale`, for the currency the report counts in. */
export const shareRule = (currency: string, locale: Locale) => translate(locale, 'share.rule', { currency });
