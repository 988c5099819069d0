// What a round that reported tells every visitor (#17): on its own page what it raised, from how many
// donors, and what it did (children operated by procedure, speech-therapy sessions); on its mission's page
// one line beside its totals. The figures are the report's, frozen when it was published.
import { translate, type MessageKey } from '../i18n/messages';
import type { Locale } from '../locale';
import { formatMoney } from '../money';
import type { RoundReport } from '../tables/round-reports.table';

type ReportFigures = Pick<RoundReport, 'currency' | 'income' | 'givers' | 'children_operated' | 'speech_therapy_sessions' | 'procedures' | 'published_at'>;

const count = (n: number, locale: Locale) => new Intl.NumberFormat(locale).format(n);
const plural = (n: number, key: string) => `${key}.${n === 1 ? 'one' : 'other'}` as MessageKey;

/** The "What this round achieved" block of the round's page, in `locale`. */
export function roundReportView(report: ReportFigures, locale: Locale) {
  return {
    publishedAt: report.published_at,
    // In whole units, as the page's progress shows what the round raised; donors' own shares are to the cent.
    income: formatMoney({ amount: report.income, currency: report.currency }, locale, { wholeUnits: true }),
    raisedFrom: translate(locale, plural(report.givers, 'round.report.raisedFrom'), { n: count(report.givers, locale) }),
    children: report.children_operated > 0 ? { count: count(report.children_operated, locale), label: translate(locale, plural(report.children_operated, 'round.report.children')) } : null,
    // A procedure the manager named (another operation) reads as they typed it.
    procedures: report.procedures.map((procedure) => ({
      label: procedure.kind === 'other_operation' && procedure.label ? procedure.label : translate(locale, `rounds.outcome.${procedure.kind}`),
      count: count(procedure.count, locale),
    })),
    sessions: report.speech_therapy_sessions > 0 ? { count: count(report.speech_therapy_sessions, locale), label: translate(locale, plural(report.speech_therapy_sessions, 'round.report.sessions')) } : null,
  };
}

export type RoundReportView = ReturnType<typeof roundReportView>;

/** A report's outcomes in words: "16 children operated, 40 speech-therapy sessions" (each left out when none). */
export function outcomesInWords(report: Pick<ReportFigures, 'children_operated' | 'speech_therapy_sessions'>, locale: Locale): string {
  const parts = [
    report.children_operated > 0 ? translate(locale, plural(report.children_operated, 'mission.round.reported.children'), { n: count(report.children_operated, locale) }) : undefined,
    report.speech_therapy_sessions > 0 ? translate(locale, plural(report.speech_therapy_sessions, 'mission.round.reported.sessions'), { n: count(report.speech_therapy_sessions, locale) }) : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.join(translate(locale, 'campaigns.listSeparator'));
}

/** What the mission page says beside a reported round's totals: "Reported: 16 children operated, 40 speech-therapy sessions". */
export function reportedLine(report: Pick<ReportFigures, 'children_operated' | 'speech_therapy_sessions'>, locale: Locale): string {
  return translate(locale, 'mission.round.reported', { outcomes: outcomesInWords(report, locale) });
}
