// The mission page: what every round raised together, in each currency and in the mission's own, and
// each round with its days, its state and what it raised.
import type { AppContext } from '../context';
import type { Loaded } from '../campaign-cache';
import { opensAt, takesGifts } from '../campaigns/closing';
import { findRoundReports, listPublicRounds } from '../campaigns/round.repository';
import { reportedLine } from '../campaigns/round-report.view';
import { campaignTotals, combinedTotals, type CampaignTotals, type CombinedTotals } from '../campaigns/totals';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney, percentOf, type Money } from '../money';
import type { Campaign } from '../tables/campaigns.table';
import type { Mission } from '../tables/missions.table';
import type { RoundReport } from '../tables/round-reports.table';
import { findMissionBySlug } from './mission.repository';

type PageReader = Pick<AppContext, 'db' | 'clock'>;

export type RoundState = 'open' | 'upcoming' | 'closed';

function roundState(round: Campaign, now: Date): RoundState {
  if (takesGifts(round, now)) return 'open';
  return opensAt(round, now) ? 'upcoming' : 'closed';
}

function roundView(round: Campaign, totals: CampaignTotals, report: RoundReport | undefined, locale: Locale, now: Date) {
  const target: Money = { amount: round.target_amount, currency: round.target_currency };
  const state = roundState(round, now);
  return {
    slug: round.slug,
    href: `/campaigns/${round.slug}`,
    title: localize(round.title, locale),
    state,
    open: state === 'open',
    upcoming: state === 'upcoming',
    startsAt: round.starts_at,
    endsAt: round.ends_at,
    raised: formatMoney(totals.raised, locale, { wholeUnits: true }),
    target: formatMoney(target, locale, { wholeUnits: true }),
    percent: percentOf(totals.raised, target),
    donors: totals.donors,
    /** Once the round reported: what it did, in one line. */
    reported: report ? reportedLine(report, locale) : null,
  };
}

export type MissionRoundView = ReturnType<typeof roundView>;

const shown = (amounts: Money[], locale: Locale) => amounts.filter((m) => m.amount !== 0).map((m) => formatMoney(m, locale));

/** The page's template data, rounds newest first; the open round (the soonest to close, should there be two) is offered first. */
export function missionPage(mission: Mission, rounds: Campaign[], roundTotals: Map<number, CampaignTotals>, totals: CombinedTotals, reports: Map<number, RoundReport>, locale: Locale, now: Date) {
  const views = rounds.map((round) => roundView(round, roundTotals.get(round.id)!, reports.get(round.id), locale, now));
  const open = rounds
    .filter((round) => takesGifts(round, now))
    .sort((a, b) => (a.ends_at?.getTime() ?? Infinity) - (b.ends_at?.getTime() ?? Infinity))[0];
  const title = localize(mission.title, locale);
  return {
    title,
    mission: {
      slug: mission.slug,
      title,
      summary: localize(mission.summary, locale),
      currency: mission.currency,
      raised: formatMoney(totals.raised, locale, { wholeUnits: true }),
      raisedByCurrency: shown(totals.raisedByCurrency, locale),
      unconverted: shown(totals.unconverted, locale),
      donors: totals.donors,
    },
    openRound: open ? views.find((view) => view.slug === open.slug)! : null,
    rounds: [...views].reverse(),
    roundCount: translate(locale, views.length === 1 ? 'mission.roundCount.one' : 'mission.roundCount.other', { n: views.length }),
  };
}

export type MissionPage = ReturnType<typeof missionPage>;

/** The mission at `slug` as its page shows it, loaded for the campaign cache; undefined when there is none. */
export async function loadMissionPage({ db, clock }: PageReader, slug: string, locale: Locale): Promise<Loaded<MissionPage | undefined>> {
  const mission = await findMissionBySlug(db, slug);
  if (!mission) return { value: undefined, shows: 'all' };
  const rounds = await listPublicRounds(db, mission.id);
  const ids = rounds.map((round) => round.id);
  const [roundTotals, totals, reports] = await Promise.all([campaignTotals(db, rounds), combinedTotals(db, rounds, mission.currency), findRoundReports(db, ids)]);
  // Any campaign may become one of its rounds; a mission's own change forgets everything (mission.repository.ts).
  return { value: missionPage(mission, rounds, roundTotals, totals, reports, locale, clock.now()), shows: 'all' };
}

/** The mission page from the campaign cache; undefined when there is no mission at `slug`. */
export async function readMissionPage(ctx: PageReader & Pick<AppContext, 'campaignCache'>, slug: string, locale: Locale): Promise<MissionPage | undefined> {
  return ctx.campaignCache.read(`mission:${locale}:${slug}`, () => loadMissionPage(ctx, slug, locale));
}
