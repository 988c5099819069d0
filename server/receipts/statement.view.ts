// The annual giving statement as people read it, for the email, the account page, its public page and the PDF
// alike: the period and, for each giver it is made out to (the donor as themselves, each organisation they
// gave as), every standing receipt for its own amount, a total per currency (never one across currencies)
// and, for Hong Kong's year of assessment, what section 88 asks of that giver's HKD total for the year.
import { dayText } from '../calendar';
import { publicUrl, type ReadyConfig } from '../config';
import { signToken, verifyToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney, sumPerCurrency, type Money } from '../money';
import { organisationIn } from '../organisation';
import type { StatementGift } from './statement.repository';
import type { Statement, StatementGiver, StatementYear } from './statements';

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

/** HKD first, as the total section 88 reads; the others in the order first given. */
function totalsOf(gifts: StatementGift[]): Money[] {
  const totals = sumPerCurrency(gifts.map((gift) => ({ amount: gift.amount, currency: gift.currency })));
  return [...totals.filter((total) => total.currency === 'HKD'), ...totals.filter((total) => total.currency !== 'HKD')];
}

/**
 * In a year of assessment, where the giver's HKD total stands against section 88's HK$100, after the rule
 * itself unless the statement states it once for several givers.
 */
function taxNotes(year: StatementYear, hkd: Money | undefined, organisation: string, locale: Locale, withRule: boolean): string[] {
  if (!year.yearOfAssessment) return [];
  const rule = withRule ? [translate(locale, 'statement.s88.rule')] : [];
  if (!hkd) return rule;
  const reached = hkd.amount >= section88Threshold.amount;
  return [...rule, translate(locale, reached ? 'statement.s88.reached' : 'statement.s88.under', { organisation, total: formatMoney(hkd, locale) })];
}

/** One giver's part: headed with whom it is made out to only when the statement has several. */
function giverView(giver: StatementGiver, year: StatementYear, organisation: string, locale: Locale, dateFormat: Intl.DateTimeFormat, several: boolean) {
  const totals = totalsOf(giver.gifts);
  const hkd = totals.find((total) => total.currency === 'HKD');
  return {
    madeOutTo: several ? translate(locale, 'statement.madeOutTo', { name: giver.name }) : null,
    businessRegistration: several ? giver.businessRegistration : null,
    lines: giver.gifts.map((gift) => ({
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
    tax: taxNotes(year, hkd, organisation, locale, !several),
  };
}

/** The statement in `locale`, by default the donor's language. */
export function statementView(config: ReadyConfig, statement: Statement, locale: Locale) {
  const { donor, year, givers } = statement;
  const organisation = organisationIn(config.organisation, locale);
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: config.organisation.timeZone });
  const path = statementPath(config.sessionSecret, donor.id, year.year);
  const period = { from: dayText(year.days.first, locale, 'long'), to: dayText(year.days.last, locale, 'long') };
  const several = givers.length > 1;
  const only = several ? undefined : givers[0];
  // The email greets the person it is sent to: themselves when they gave as themselves.
  const addressee = (givers.find((giver) => giver.kind === 'person') ?? givers[0])?.name ?? donor.name ?? donor.email;
  const gifts = givers.flatMap((giver) => giver.gifts);
  return {
    locale,
    year: year.year,
    label: year.label,
    subject: translate(locale, 'statement.subject', { year: year.label }),
    title: translate(locale, 'statement.title', { year: year.label }),
    heading: translate(locale, 'account.statement.heading', { year: year.label }),
    intro: translate(locale, 'statement.intro', { name: addressee, year: year.label }),
    /** Whom the statement is made out to when it is one giver (or none); with several, each part names its own. */
    donorName: several ? null : addressee,
    businessRegistration: only?.businessRegistration ?? null,
    several: several ? translate(locale, 'statement.severalGivers', { year: year.label }) : null,
    /** With several givers, section 88's rule once, before their parts; with one, its part states it. */
    taxRule: several && year.yearOfAssessment ? translate(locale, 'statement.s88.rule') : null,
    organisation,
    period: translate(locale, year.yearOfAssessment ? 'statement.period.assessment' : 'statement.period', period),
    givers: givers.map((giver) => giverView(giver, year, organisation.name, locale, dateFormat, several)),
    url: `${publicUrl(config)}${path}`,
    pdfUrl: `${publicUrl(config)}${path}/pdf`,
    pdfName: statementPdfName(year.label),
    /** What the PDF is dated: its latest receipt's issue (a replacement's, after a refund), else the year's first moment. */
    datedAt: new Date(Math.max(year.period.start.getTime(), ...gifts.map((gift) => gift.issued_at.getTime()))),
  };
}

export type StatementView = ReturnType<typeof statementView>;
