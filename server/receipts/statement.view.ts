// The annual giving statement as people read it, for the email, the account page, its public page and the PDF
// alike: the period, every standing receipt for its own amount, a total per currency (never one across
// currencies) and, for Hong Kong's year of assessment, what section 88 asks of the year's HKD total.
import { publicUrl, type ReadyConfig } from '../config';
import { signToken, verifyToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney, sumPerCurrency, type Money } from '../money';
import { organisationIn } from '../organisation';
import type { Statement } from './statements';

/** Section 88 counts a year's approved charitable donations only from HK$100, in minor units. */
const section88Threshold: Money = { amount: 10_000, currency: 'HKD' };

/** A statement's page on the site, signed so that whoever was given it (a tax office, an employer) can open it; its PDF is at `${path}/pdf`. */
export const statementPath = (sessionSecret: string, donorId: number, year: number) => `/statements/${signToken(sessionSecret, 'statement', `${donorId}:${year}`)}`;

/** The donor and fiscal year a statement link names, or undefined for a link we did not sign. */
export function statementOfPath(sessionSecret: string, token: string): { donorId: number; year: number } | undefined {
  const match = /^(\d{1,12}):(\d{4})$/.exec(verifyToken(sessionSecret, 'statement', token) ?? '');
  return match ? { donorId: Number(match[1]), year: Number(match[2]) } : undefined;
}

/** The file name a statement downloads or is attached as: "statement-2026-27.pdf". */
export const statementPdfName = (label: string) => `statement-${label.replace('/', '-')}.pdf`;

const dayFormats = new Map<Locale, Intl.DateTimeFormat>();

/** A YYYY-MM-DD day of the organisation's calendar, as `locale` writes it: "April 1, 2026", "2026年4月1日". */
function dayText(day: string, locale: Locale): string {
  let format = dayFormats.get(locale);
  if (!format) dayFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })));
  return format.format(new Date(`${day}T00:00:00Z`));
}

/** HKD first, as the total section 88 reads; the others in the order first given. */
function totalsOf(statement: Statement): Money[] {
  const totals = sumPerCurrency(statement.gifts.map((gift) => ({ amount: gift.amount, currency: gift.currency })));
  return [...totals.filter((total) => total.currency === 'HKD'), ...totals.filter((total) => total.currency !== 'HKD')];
}

/** In a year of assessment, the HK$100 rule and where the donor's HKD total stands against it. */
function taxNotes(statement: Statement, hkd: Money | undefined, organisation: string, locale: Locale): string[] {
  if (!statement.year.yearOfAssessment) return [];
  const rule = translate(locale, 'statement.s88.rule');
  if (!hkd) return [rule];
  const reached = hkd.amount >= section88Threshold.amount;
  return [rule, translate(locale, reached ? 'statement.s88.reached' : 'statement.s88.under', { organisation, total: formatMoney(hkd, locale) })];
}

/** The statement in `locale`, by default the donor's language. */
export function statementView(config: ReadyConfig, statement: Statement, locale: Locale) {
  const { donor, year, gifts } = statement;
  const organisation = organisationIn(config.organisation, locale);
  const totals = totalsOf(statement);
  const hkd = totals.find((total) => total.currency === 'HKD');
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: config.organisation.timeZone });
  const path = statementPath(config.sessionSecret, donor.id, year.year);
  const period = { from: dayText(year.days.first, locale), to: dayText(year.days.last, locale) };
  return {
    locale,
    year: year.year,
    label: year.label,
    subject: translate(locale, 'statement.subject', { year: year.label }),
    title: translate(locale, 'statement.title', { year: year.label }),
    heading: translate(locale, 'account.statement.heading', { year: year.label }),
    intro: translate(locale, 'statement.intro', { name: donor.name ?? donor.email, year: year.label }),
    donorName: donor.name ?? donor.email,
    organisation,
    period: translate(locale, year.yearOfAssessment ? 'statement.period.assessment' : 'statement.period', period),
    lines: gifts.map((gift) => ({
      number: gift.number,
      givenOn: dateFormat.format(gift.given_at),
      campaign: localize(gift.title, locale),
      amount: formatMoney({ amount: gift.amount, currency: gift.currency }, locale),
    })),
    totals: totals.map((total) => ({
      label: year.yearOfAssessment && total.currency === 'HKD' ? translate(locale, 'statement.totalAssessment') : translate(locale, 'statement.totalIn', { currency: total.currency }),
      amount: formatMoney(total, locale),
    })),
    currencies: totals.length > 1 ? translate(locale, 'statement.currencies') : null,
    tax: taxNotes(statement, hkd, organisation.name, locale),
    url: `${publicUrl(config)}${path}`,
    pdfUrl: `${publicUrl(config)}${path}/pdf`,
    pdfName: statementPdfName(year.label),
    /** What the PDF is dated: its latest receipt's issue (a replacement's, after a refund), else the year's first moment. */
    datedAt: new Date(Math.max(year.period.start.getTime(), ...gifts.map((gift) => gift.issued_at.getTime()))),
  };
}

export type StatementView = ReturnType<typeof statementView>;
