// A round's report as a CSV file of its shares: one line per giver and currency they gave in, with what they
// gave (net, in that currency) and its part of the round's income in the report's currency, which add up to
// the income reported. Amounts in major units beside their currency, times in the organisation's time zone,
// which the header names.
import type { Response } from 'express';
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import type { ReportShareRow, ReportWithPublisher } from '../../missions/rounds/report.repository';
import type { Round } from '../../missions/rounds/rounds.repository';
import { hundredthsOfPercent } from '../../missions/rounds/shares';
import { csvAmount, csvTime, sendCsv, zonedColumn, type CsvValue } from '../csv';

/** A share of the round in percent with two decimals, exactly: 1234 hundredths is "12.34", a share below zero keeps its sign. */
export function sharePercent(counted: number, income: number): string {
  const hundredths = counted < 0 ? -hundredthsOfPercent(-counted, income) : hundredthsOfPercent(counted, income);
  const whole = Math.abs(hundredths);
  return `${hundredths < 0 ? '-' : ''}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, '0')}`;
}

async function* each<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

/** Sends the shares of `round`'s report as `round-SLUG-shares-TODAY.csv`; `today` is the organisation's day, `locale` names a gift without an email. */
export function sendSharesCsv(res: Response, round: Round, report: ReportWithPublisher, shares: ReportShareRow[], timeZone: string, today: string, locale: Locale): Promise<void> {
  const header = ['giver', 'email', 'currency_given', 'given', 'counted', 'report_currency', 'share_percent', zonedColumn('first_gift_at', timeZone)];
  const noEmail = translate(locale, 'rounds.report.noEmail');
  const values = (share: ReportShareRow): CsvValue[] => [
    share.name || share.email || noEmail,
    share.email,
    share.currency,
    csvAmount(share.given, share.currency),
    csvAmount(share.counted, report.currency),
    report.currency,
    sharePercent(share.counted, report.income),
    csvTime(share.first_given_at, timeZone),
  ];
  return sendCsv(res, `round-${round.slug}-shares-${today}.csv`, header, each(shares), values);
}
