// What a round achieved as pages show it (the campaign manager's outcomes page, finance's statement), and
// the outcomes page with its form, the lines recorded so far and the round's report to donors.
import { outcomesInWords } from '../../campaigns/round-report.view';
import { translate } from '../../i18n/messages';
import { localize, type Locale } from '../../locale';
import { formatMoney } from '../../money';
import type { OutcomeKind } from '../../tables/round-outcomes.table';
import { outcomeKinds, type OutcomeForm, type RoundOutcomes } from './outcomes';
import type { OutcomeRow } from './outcomes.repository';
import type { ReportWithPublisher } from './report.repository';
import type { Round } from './rounds.repository';
import { recordedRowView } from './reversals';
import { shareRule } from './share.view';

/** A kind as its line names it: "Cleft lip repair"; an other operation by the label it was given. */
const kindLabel = (locale: Locale, kind: OutcomeKind, label: string | null) => (kind === 'other_operation' && label ? label : translate(locale, `rounds.outcome.${kind}`));

export function outcomesView(outcomes: RoundOutcomes, locale: Locale) {
  return {
    childrenOperated: outcomes.childrenOperated,
    procedures: outcomes.byProcedure.map((row) => ({ label: kindLabel(locale, row.kind, row.label), count: row.count })),
    speechTherapySessions: outcomes.speechTherapySessions,
    any: outcomes.childrenOperated !== 0 || outcomes.speechTherapySessions !== 0,
  };
}

export interface OutcomesPageExtra {
  notice?: string;
  form?: OutcomeForm;
  errors?: Record<string, string>;
  /** A reversal refused: which line, the reason as typed, and why. */
  reversal?: { id: number; reason: string; message: string };
  /** The report to donors: published just now, or refused and why. */
  reportNotice?: string;
  reportProblem?: string;
}

/** The round's report to donors as the outcomes page shows it, read before the page is drawn. */
export interface ReportState {
  report: ReportWithPublisher | undefined;
  emails: { owed: number; sent: number; skipped: number };
  /** Why the round cannot report yet (it still takes gifts, or has not opened); undefined when it may. */
  notYet: string | undefined;
}

/** What a published report says on a staff page: when, by whom, what it counted and what it froze. */
export function publishedReportView(report: ReportWithPublisher, locale: Locale) {
  return {
    publishedAt: report.published_at,
    publishedBy: report.published_by_name,
    income: formatMoney({ amount: report.income, currency: report.currency }, locale),
    givers: report.givers,
    outcomes: outcomesInWords(report, locale),
  };
}

function reportSectionView(round: Round, state: ReportState, locale: Locale, extra: OutcomesPageExtra) {
  return {
    published: state.report ? { ...publishedReportView(state.report, locale), emails: translate(locale, state.emails.skipped > 0 ? 'rounds.report.emailsSkipped' : 'rounds.report.emailsValue', { owed: state.emails.owed, sent: state.emails.sent, skipped: state.emails.skipped }) } : undefined,
    notice: extra.reportNotice,
    problem: extra.reportProblem,
    notYet: state.notYet,
    rule: shareRule(state.report?.currency ?? round.mission_currency, locale),
  };
}

export function outcomesPageView(round: Round, outcomes: RoundOutcomes, rows: OutcomeRow[], report: ReportState, locale: Locale, extra: OutcomesPageExtra = {}) {
  const title = localize(round.title, locale);
  const form = extra.form ?? { kind: '', label: '', count: '', note: '' };
  return {
    title: translate(locale, 'rounds.outcomes.title', { round: title }),
    round: { slug: round.slug, title, mission: localize(round.mission_title, locale) },
    notice: extra.notice,
    reversalProblem: extra.reversal?.message,
    totals: outcomesView(outcomes, locale),
    lines: rows.map((row) => {
      const problem = extra.reversal?.id === row.id ? extra.reversal : undefined;
      return {
        id: row.id,
        kind: kindLabel(locale, row.kind, row.label),
        count: row.count,
        ...recordedRowView(row, problem),
      };
    }),
    form: {
      values: form,
      errors: extra.errors ?? {},
      errorList: Object.entries(extra.errors ?? {}).map(([field, message]) => ({ field: `outcome-${field}`, message })),
      kinds: outcomeKinds.map((kind) => ({ value: kind, label: translate(locale, `rounds.outcome.choice.${kind}`), selected: kind === form.kind })),
    },
    report: reportSectionView(round, report, locale, extra),
  };
}
