// Finance's pages for rounds as their templates show them: every round with its balances, and one round's
// statement (money per currency, the lines behind it, what it achieved, its report to donors) with the forms
// that add to it.
import { opensAt, takesGifts } from '../../campaigns/closing';
import { translate } from '../../i18n/messages';
import { localize, type Locale } from '../../locale';
import { formatMoney, sumPerCurrency, type Money } from '../../money';
import type { SpendingRow, TransferRow } from '../../missions/rounds/funds.repository';
import { outcomesView, publishedReportView } from '../../missions/rounds/outcomes.view';
import type { ReportShareRow, ReportWithPublisher } from '../../missions/rounds/report.repository';
import { shareRule } from '../../missions/rounds/share.view';
import type { Round } from '../../missions/rounds/rounds.repository';
import { spendingCategories, type FundLine, type RoundStatement } from '../../missions/rounds/statement';
import type { SpendingCategory } from '../../tables/round-spending.table';
import { choices } from '../labels';
import { attachmentLimitBytes, type SpendingForm } from './spending';
import type { TransferForm } from './transfers';
import { recordedRowView } from '../../missions/rounds/reversals';

const categoryLabel = (locale: Locale, category: SpendingCategory) => translate(locale, `rounds.category.${category}`);

/** A round's state as its statement names it: open, not open yet, closed, or a draft. */
function stateOf(round: Round, now: Date): 'open' | 'upcoming' | 'closed' | 'draft' {
  if (round.status === 'draft') return 'draft';
  if (takesGifts(round, now)) return 'open';
  return opensAt(round, now) ? 'upcoming' : 'closed';
}

const roundHeading = (round: Round, locale: Locale, now: Date) => {
  const state = stateOf(round, now);
  return { slug: round.slug, title: localize(round.title, locale), mission: localize(round.mission_title, locale), state, stateLabel: translate(locale, `rounds.state.${state}`), startsAt: round.starts_at, endsAt: round.ends_at };
};

/** A currency's money as the statement's table shows it, each figure formatted and the balance marked when below zero. */
function fundView(line: FundLine, locale: Locale) {
  const show = (amount: number) => formatMoney({ amount, currency: line.currency }, locale);
  return {
    currency: line.currency,
    income: show(line.income),
    spent: show(line.spent),
    transfersIn: show(line.transfersIn),
    transfersOut: show(line.transfersOut),
    balance: show(line.balance),
    overspent: line.balance < 0,
  };
}

const moneyList = (amounts: Money[], locale: Locale) => amounts.map((m) => formatMoney(m, locale)).join(translate(locale, 'rounds.listSeparator'));

/** Every round by mission, each with its balance in each currency it holds money in. */
export function roundsListView(rounds: Round[], funds: Map<number, FundLine[]>, locale: Locale, now: Date) {
  const missions: Array<{ title: string; rounds: unknown[] }> = [];
  for (const round of rounds) {
    const mission = localize(round.mission_title, locale);
    if (missions.at(-1)?.title !== mission) missions.push({ title: mission, rounds: [] });
    const lines = funds.get(round.id) ?? [];
    missions.at(-1)!.rounds.push({
      ...roundHeading(round, locale, now),
      balances: lines.map((line) => ({ currency: line.currency, text: formatMoney({ amount: line.balance, currency: line.currency }, locale), overspent: line.balance < 0 })),
    });
  }
  return { title: translate(locale, 'rounds.list.heading'), missions };
}

/** A reversal refused on the page: which row, and why; shown beside that row's reason field. */
export interface ReversalProblem {
  kind: 'spending' | 'transfer';
  id: number;
  reason: string;
  message: string;
}

export interface StatementPageExtra {
  notice?: string;
  spendingForm?: SpendingForm;
  spendingErrors?: Record<string, string>;
  transferForm?: TransferForm;
  transferErrors?: Record<string, string>;
  reversal?: ReversalProblem;
}

const errorList = (errors: Record<string, string> | undefined, prefix: string) => Object.entries(errors ?? {}).map(([field, message]) => ({ field: `${prefix}-${field}`, message }));

const dayOf = (day: string) => new Date(`${day}T12:00:00Z`);

function spendingView(row: SpendingRow, round: Round, locale: Locale, reversal: ReversalProblem | undefined) {
  const problem = reversal?.kind === 'spending' && reversal.id === row.id ? reversal : undefined;
  return {
    id: row.id,
    day: dayOf(row.spent_on),
    spentOn: row.spent_on,
    category: categoryLabel(locale, row.category),
    amount: formatMoney({ amount: row.amount, currency: row.currency }, locale),
    ...recordedRowView(row, problem),
    attachment: row.attachment_name
      ? { href: `/staff/finance/rounds/${round.slug}/spending/${row.id}/attachment`, name: row.attachment_name, size: `${Math.max(1, Math.round((row.attachment_bytes ?? 0) / 1024))} KB` }
      : null,
  };
}

function transferView(row: TransferRow, round: Round, locale: Locale, reversal: ReversalProblem | undefined) {
  const problem = reversal?.kind === 'transfer' && reversal.id === row.id ? reversal : undefined;
  const out = row.from_campaign_id === round.id;
  const other = out ? { slug: row.to_slug, title: localize(row.to_title, locale) } : { slug: row.from_slug, title: localize(row.from_title, locale) };
  return {
    id: row.id,
    direction: translate(locale, out ? 'rounds.transfer.to' : 'rounds.transfer.from', { round: other.title }),
    other,
    out,
    amount: formatMoney({ amount: row.amount, currency: row.currency }, locale),
    ...recordedRowView(row, problem),
  };
}

/** The round's report to donors and its shares, as finance checks them: do the shares add up to the income? */
export interface StatementReport {
  report: ReportWithPublisher;
  shares: ReportShareRow[];
}

/** What the round's gifts came to per currency since its report froze them: the money a gift, refund or dispute added or took since. */
function changedSinceReport(shares: ReportShareRow[], funds: FundLine[]): Money[] {
  const reported = sumPerCurrency(shares.map((share) => ({ amount: share.given, currency: share.currency })));
  const currencies = [...new Set([...reported.map((m) => m.currency), ...funds.map((line) => line.currency)])].sort();
  return currencies
    .map((currency) => ({ currency, amount: (funds.find((line) => line.currency === currency)?.income ?? 0) - (reported.find((m) => m.currency === currency)?.amount ?? 0) }))
    .filter((m) => m.amount !== 0);
}

function reportView(round: Round, published: StatementReport | undefined, funds: FundLine[], locale: Locale) {
  if (!published) return { published: undefined, rule: shareRule(round.mission_currency, locale) };
  const { report, shares } = published;
  const changed = changedSinceReport(shares, funds);
  const total = shares.reduce((sum, share) => sum + share.counted, 0);
  const show = (amount: number) => formatMoney({ amount, currency: report.currency }, locale);
  const values = { n: shares.length, total: show(total), income: show(report.income) };
  const addsUp = total === report.income;
  return {
    published: {
      ...publishedReportView(report, locale),
      check: addsUp ? translate(locale, shares.length === 1 ? 'rounds.report.checkOne' : 'rounds.report.check', values) : undefined,
      mismatch: addsUp ? undefined : translate(locale, 'rounds.report.checkFailed', values),
      // A late webhook, a refund or a dispute moves the round's income after its donors were told their shares.
      changedSince: changed.length > 0 ? translate(locale, 'rounds.report.changedSince', { amounts: changed.map((m) => (m.amount > 0 ? '+' : '') + formatMoney(m, locale)).join(translate(locale, 'campaigns.listSeparator')) }) : undefined,
      csvHref: `/staff/finance/rounds/${round.slug}/shares.csv`,
    },
    rule: shareRule(report.currency, locale),
  };
}

export interface StatementPageData {
  round: Round;
  statement: RoundStatement;
  /** The other rounds of its mission, where a transfer may go. */
  sisters: Round[];
  now: Date;
  /** The organisation's day: the spending form's default. */
  today: string;
  /** The round's report to donors, once published. */
  report?: StatementReport;
}

export function statementPageView({ round, statement, sisters, now, today, report }: StatementPageData, locale: Locale, extra: StatementPageExtra = {}) {
  const heading = roundHeading(round, locale, now);
  const spendingForm = extra.spendingForm ?? { category: '', amount: '', currency: round.mission_currency, spent_on: today, note: '' };
  const transferForm = extra.transferForm ?? { to: '', amount: '', currency: '', note: '' };
  const holding = statement.funds.filter((line) => line.balance > 0);
  const next = sisters.find((sister) => sister.starts_at > round.starts_at);
  return {
    title: translate(locale, 'rounds.statement.title', { round: heading.title }),
    round: heading,
    notice: extra.notice,
    reversalProblem: extra.reversal?.message,
    funds: statement.funds.map((line) => fundView(line, locale)),
    categories: statement.spendingByCategory.map((row) => ({ label: categoryLabel(locale, row.category), amounts: moneyList(row.amounts, locale) })),
    spending: statement.spending.map((row) => spendingView(row, round, locale, extra.reversal)),
    transfers: statement.transfers.map((row) => transferView(row, round, locale, extra.reversal)),
    outcomes: outcomesView(statement.outcomes, locale),
    report: reportView(round, report, statement.funds, locale),
    csvHref: `/staff/finance/rounds/${round.slug}/statement.csv`,
    spendingForm: {
      values: spendingForm,
      errors: extra.spendingErrors ?? {},
      errorList: errorList(extra.spendingErrors, 'spending'),
      categories: choices(spendingCategories, (c) => categoryLabel(locale, c), spendingForm.category),
      currencies: [...new Set([round.mission_currency, round.target_currency, ...round.accepted_currencies])],
      limit: `${attachmentLimitBytes / (1024 * 1024)} MB`,
    },
    transferForm: {
      values: transferForm,
      errors: extra.transferErrors ?? {},
      errorList: errorList(extra.transferErrors, 'transfer'),
      // A refused transfer shows its form again whatever the round holds now.
      shown: (holding.length > 0 && sisters.length > 0) || extra.transferErrors !== undefined,
      // The next round to open is offered first: where a balance is usually carried.
      rounds: choices(
        sisters.map((s) => s.slug),
        (slug) => localize(sisters.find((s) => s.slug === slug)!.title, locale),
        transferForm.to || next?.slug,
      ),
      currencies: holding.map((line) => ({
        value: line.currency,
        label: translate(locale, 'rounds.transfer.holds', { currency: line.currency, balance: formatMoney({ amount: line.balance, currency: line.currency }, locale) }),
        selected: line.currency === transferForm.currency,
      })),
    },
  };
}
