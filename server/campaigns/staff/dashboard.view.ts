// A campaign's dashboard as its template shows it: the figures, the chart, the impact updates and their
// sending, and the form for posting another, in the staff member's language.
import { translate } from '../../i18n/messages';
import type { ImpactProgress } from '../../impact/impact.repository';
import type { ImpactUpdate } from '../../tables/impact-updates.table';
import { localize, type Locale, type LocalizedText } from '../../locale';
import { formatMoney, type Money } from '../../money';
import type { Campaign } from '../../tables/campaigns.table';
import { dayIn } from '../../calendar';
import { raisedChartSvg } from './chart';
import type { CampaignDashboard } from './dashboard';
import { blankImpactValues, type ImpactFormValues } from './impact-update-form';
import { impactFormView } from './impact-update-form.view';
import { impactUpdateSummary, readIn } from '../../impact/impact.view';
import { statusLabel } from './campaign.view';
import type { StaffMessageRow } from './message.repository';
import { messagesView } from './message.view';

export interface DashboardExtras {
  /** The impact update form as posted, with its messages. */
  impact?: { values: ImpactFormValues; errors: Record<string, string> };
  notice?: DashboardNotice;
}

/** The line above the dashboard: a sentence, or one naming an update, whose title keeps its own language. */
export interface DashboardNotice {
  before: string;
  title?: string;
  titleLang?: Locale;
  after?: string;
}

function progressText(progress: ImpactProgress | undefined, locale: Locale): string {
  if (!progress) return '';
  if (progress.total === null) return translate(locale, 'campaignStaff.progress.finding', { sent: progress.sent });
  const skipped = progress.skipped > 0 ? translate(locale, 'campaignStaff.progress.skipped', { skipped: progress.skipped }) : '';
  const finished = progress.completedAt ? translate(locale, 'campaignStaff.progress.finished') : '';
  return translate(locale, 'campaignStaff.progress.sent', { sent: progress.sent, total: progress.total }) + skipped + finished;
}

/** The chart spans the campaign's days so far, widened to any day money moved outside them. */
function chartDays(campaign: Campaign, dashboard: CampaignDashboard, now: Date, timeZone: string): { from: string; to: string } {
  // Every day here is the organisation's: the days money moved, and the campaign's own first and last, as its form says.
  const today = dayIn(now, timeZone);
  const lastDay = campaign.ends_at && dayIn(campaign.ends_at, timeZone);
  const endDay = lastDay && lastDay < today ? lastDay : today;
  const firstMoved = dashboard.daily[0]?.day;
  const lastMoved = dashboard.daily.at(-1)?.day;
  const from = [dayIn(campaign.starts_at, timeZone), firstMoved].filter((d): d is string => d !== undefined).sort()[0]!;
  const to = [endDay, lastMoved, from].filter((d): d is string => d !== undefined).sort().at(-1)!;
  return { from, to };
}

function figuresView(dashboard: CampaignDashboard, locale: Locale) {
  const show = (value: Money) => formatMoney(value, locale);
  const showWhole = (value: Money) => formatMoney(value, locale, { wholeUnits: true });
  return {
    raised: showWhole(dashboard.totals.raised),
    raisedExact: show(dashboard.totals.raised),
    target: showWhole(dashboard.target),
    percent: dashboard.percent,
    barPercent: Math.min(100, dashboard.percent),
    remaining: showWhole(dashboard.remaining),
    raisedByCurrency: dashboard.totals.raisedByCurrency.filter((m) => m.amount !== 0).map(show),
    unconverted: dashboard.totals.unconverted.map(show),
    gifts: dashboard.gifts,
    donors: dashboard.donors,
    newDonors: dashboard.newDonors,
    returningDonors: dashboard.returningDonors,
    monthlyRecurring: dashboard.monthlyRecurring.map((m) => ({ amount: show(m), currency: m.currency, plans: m.plans })),
    averageGift: dashboard.averageGift.map((m) => ({ amount: show(m), currency: m.currency, gifts: m.gifts })),
    topSources: dashboard.topSources.map((s) => ({ source: s.source, gifts: s.gifts, raised: show(s.raised) })),
    daysLeft: dashboard.daysLeft,
    openEnded: dashboard.daysLeft === null,
    ended: dashboard.daysLeft === 0,
    targetReached: dashboard.remaining.amount === 0,
    dailyPaceNeeded: dashboard.dailyPaceNeeded ? show(dashboard.dailyPaceNeeded) : null,
    daily: dashboard.daily.map((d) => ({ day: d.day, cumulative: show(d.cumulative) })),
  };
}

export interface DashboardData {
  campaign: Campaign;
  dashboard: CampaignDashboard;
  updates: ImpactUpdate[];
  /** Each update's sending, in the order of `updates`. */
  progress: Array<ImpactProgress | undefined>;
  /** The latest donor messages, for the Messages section. */
  messages: StaffMessageRow[];
  now: Date;
  /** The organisation's: the chart's days are its days. */
  timeZone: string;
}

export function dashboardView({ campaign, dashboard, updates, progress, messages, now, timeZone }: DashboardData, extras: DashboardExtras, locale: Locale) {
  const title = localize(campaign.title, locale);
  return {
    title,
    notice: extras.notice,
    campaign: {
      slug: campaign.slug,
      title,
      status: campaign.status,
      statusLabel: statusLabel(campaign.status, locale),
      public: campaign.status !== 'draft',
      // A round of a mission has its outcomes recorded (server/missions/rounds/).
      round: campaign.mission_id !== null,
      startsAt: campaign.starts_at,
      endsAt: campaign.ends_at,
    },
    ...figuresView(dashboard, locale),
    chart: raisedChartSvg({ campaignTitle: title, target: dashboard.target, daily: dashboard.daily, ...chartDays(campaign, dashboard, now, timeZone), timeZone, locale }),
    updates: updates.map((update, index) => ({
      id: update.id,
      ...impactUpdateSummary(update, locale),
      postedAt: update.created_at,
      figures: update.figures.length,
      photos: update.photos.length,
      progress: progressText(progress[index], locale),
    })),
    messages: messagesView(campaign, messages, locale),
    impact: impactFormView(extras.impact?.values ?? blankImpactValues, extras.impact?.errors ?? {}, locale),
  };
}

/** The line above the dashboard after a save, a message moderated, or posting the update `posted` (its title; undefined for none). */
export function dashboardNotice(query: Record<string, unknown>, posted: LocalizedText | undefined, locale: Locale): DashboardNotice | undefined {
  if (posted !== undefined) {
    const title = readIn(posted, locale);
    // The sentence is cut where the title goes, so that the title alone can carry its language.
    const [before = '', after = ''] = translate(locale, query.queued === '0' ? 'campaignStaff.notice.postedNotQueued' : 'campaignStaff.notice.posted', { title: '\u0000' }).split('\u0000');
    return { before, title: title.text, titleLang: title.lang, after };
  }
  if (query.moderated === 'hide' || query.moderated === 'show' || query.moderated === 'approve') return { before: translate(locale, `campaignStaff.notice.message.${query.moderated}`) };
  return query.saved === '1' ? { before: translate(locale, 'campaignStaff.notice.saved') } : undefined;
}
