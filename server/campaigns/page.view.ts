// Everything the campaign page shows, gathered once for the page and for the donate form shown again after a mistake.
import type { Campaign } from '../tables/campaigns.table';
import { findPublicCampaign, listLiveCampaigns, listPresets, recentGifts } from './campaign.repository';
import type { DonateForm } from './donate-form';
import type { AppContext } from '../context';
import type { Loaded } from '../campaign-cache';
import { impactUpdateView, type ImpactUpdateView } from '../impact/impact.view';
import { listImpactUpdates } from '../impact/impact.repository';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { parseAmount } from '../money';
import { organisationTypes } from '../donor-kinds';
import { campaignPage } from './campaign.view';
import { totalsOf } from './totals';
import { opensAt, takesGifts, whereToGiveNow, whereToGiveUntilOpen } from './closing';
import { findMissionOfRound, findRoundReport, listPublicRounds } from './round.repository';
import { roundReportView, type RoundReportView } from './round-report.view';
import { linkPreview, shareLinks, type ShareLinks } from './share';

/** What the campaign page shows every visitor alike, in one language: what the campaign cache keeps. */
export interface CampaignPageContent {
  campaign: Campaign;
  view: ReturnType<typeof campaignPage>;
  impactUpdates: ImpactUpdateView[];
  /** On a closed campaign or one not open yet, the one a donor can give to now; null on an open one. */
  giveNow: PageLink | null;
  /** The mission this campaign is a round of, and its rounds just before and after; null for a campaign of its own. */
  rounds: RoundLinks | null;
  /** The organisation's registration, which a donor looks for before giving. */
  registration: string;
  /** How a donor can pay, as a sentence. */
  paymentMethods: string;
  /** On an open campaign with an end: when it closes, and what a monthly or yearly gift does then. */
  closing: { endsAt: Date; recurring: string } | null;
  /** A round that reported: what it raised and achieved, as the report said; null before then, and for a campaign of its own. */
  report: RoundReportView | null;
}

/** What the donate form says of a campaign's end: a regular gift then follows the mission (server/donations/plan-moves.ts). */
function closingNote(campaign: Campaign, open: boolean, generalFundSlug: string, locale: Locale): CampaignPageContent['closing'] {
  if (!open || campaign.ends_at === null) return null;
  // The general fund is where everything else goes: a gift to it has nowhere further to move.
  const key = campaign.slug === generalFundSlug ? 'donate.closing.canStop' : campaign.mission_id !== null ? 'donate.closing.nextRound' : 'donate.closing.generalFund';
  return { endsAt: campaign.ends_at, recurring: translate(locale, key) };
}

export interface PageLink {
  href: string;
  title: string;
}

export interface RoundLinks {
  mission: PageLink;
  previous: PageLink | null;
  next: PageLink | null;
  /** Every round of the mission the page shows: what the campaign cache watches for it. */
  roundIds: number[];
}

type PageReader = Pick<AppContext, 'db' | 'clock' | 'config'>;

const campaignLink = (campaign: Campaign, locale: Locale): PageLink => ({ href: `/campaigns/${campaign.slug}`, title: localize(campaign.title, locale) });

async function giveNowFrom({ db, config }: PageReader, campaign: Campaign, locale: Locale, now: Date): Promise<CampaignPageContent['giveNow']> {
  const live = await listLiveCampaigns(db);
  const generalFund = config.donations.generalFundSlug;
  const next = opensAt(campaign, now) ? whereToGiveUntilOpen(campaign, live, generalFund, now) : whereToGiveNow(campaign, live, generalFund, now);
  return next ? campaignLink(next, locale) : null;
}

/** The round's mission and its neighbours by opening day, among the rounds donors may see. */
async function roundLinksOf({ db }: PageReader, campaign: Campaign, locale: Locale): Promise<RoundLinks | null> {
  if (campaign.mission_id === null) return null;
  const [mission, rounds] = await Promise.all([findMissionOfRound(db, campaign.mission_id), listPublicRounds(db, campaign.mission_id)]);
  if (!mission) return null;
  const index = rounds.findIndex((round) => round.id === campaign.id);
  const previous = index > 0 ? rounds[index - 1] : undefined;
  const next = index >= 0 ? rounds[index + 1] : undefined;
  return {
    mission: { href: `/missions/${mission.slug}`, title: localize(mission.title, locale) },
    previous: previous ? campaignLink(previous, locale) : null,
    next: next ? campaignLink(next, locale) : null,
    roundIds: rounds.map((round) => round.id),
  };
}

export async function campaignPageContent(ctx: PageReader, campaign: Campaign, locale: Locale): Promise<CampaignPageContent> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const [presets, totals, gifts, updates, rounds, report] = await Promise.all([
    listPresets(db, campaign.id),
    totalsOf(db, campaign),
    recentGifts(db, campaign.id),
    listImpactUpdates(db, campaign.id),
    roundLinksOf(ctx, campaign, locale),
    campaign.mission_id === null ? undefined : findRoundReport(db, campaign.id),
  ]);
  const giveNow = takesGifts(campaign, now) ? null : await giveNowFrom(ctx, campaign, locale, now);
  const view = campaignPage(campaign, presets, totals, gifts, locale, now);
  return { campaign, view, impactUpdates: updates.map((update) => impactUpdateView(update, locale)), giveNow, rounds, registration: localize(ctx.config.organisation.registration, locale),
    // Checkout offers the wallets for one-off gifts only (server/donations/checkout.ts).
    paymentMethods: translate(locale, ctx.config.stripe.wallets.length > 0 ? 'campaign.methodWallets' : 'campaign.methodCard'),
    closing: closingNote(campaign, view.open, ctx.config.donations.generalFundSlug, locale),
    report: report ? roundReportView(report, locale) : null,
  };
}

/** The public campaign at `slug` as its page shows it, loaded for the campaign cache; undefined when there is none. */
export async function loadCampaignPage(ctx: PageReader, slug: string, locale: Locale): Promise<Loaded<CampaignPageContent | undefined>> {
  const campaign = await findPublicCampaign(ctx.db, slug);
  if (!campaign) return { value: undefined, shows: 'all' };
  const value = await campaignPageContent(ctx, campaign, locale);
  // A closed campaign's page names where to give now, which another campaign's change may alter; a round's
  // page names its neighbours. A mission's own change forgets everything (server/missions/mission.repository.ts).
  // Either way the campaign itself is among them, so publishing its report (which announces the campaign) shows it.
  return { value, shows: value.view.open ? [campaign.id, ...(value.rounds?.roundIds ?? [])] : 'all' };
}

/** The public campaign at `slug` as its page shows it, from the campaign cache; undefined when there is none. */
export async function readCampaignPage(ctx: PageReader & Pick<AppContext, 'campaignCache'>, slug: string, locale: Locale): Promise<CampaignPageContent | undefined> {
  return ctx.campaignCache.read(`page:${locale}:${slug}`, () => loadCampaignPage(ctx, slug, locale));
}

type PageView = ReturnType<typeof campaignPage>;

/** The presets of the form's currency as buttons, the one the amount matches pressed, and what the chosen amount does. */
function amountChoice(view: PageView, locale: Locale, form: DonateForm) {
  const { currency, amount, frequency } = form.values;
  const typed = amount === '' ? undefined : parseAmount(amount, currency);
  const chosenAmount = typed?.ok ? typed.money.amount : undefined;
  // Without JavaScript a button is a link that fills the form in; the rhythm chosen rides along.
  const rhythm = frequency === 'once' ? '' : `&frequency=${frequency}`;
  const presets = view.presets
    .filter((preset) => preset.currency === currency)
    .map((preset) => ({
      ...preset,
      chosen: preset.minorUnits === chosenAmount,
      href: `/campaigns/${view.slug}?amount=${preset.value}&currency=${preset.currency}${rhythm}#give`,
      impact: preset.label ? translate(locale, 'campaign.costUnit', { amount: preset.amount, label: preset.label }) : '',
    }));
  const chosen = presets.find((preset) => preset.chosen && preset.impact);
  const fallback = view.costUnit ? translate(locale, 'campaign.costUnit', { amount: view.costUnit.amount, label: view.costUnit.label }) : '';
  const otherCurrencies = view.acceptedCurrencies
    .filter((code) => code !== currency)
    .map((code) => ({ code, href: `/campaigns/${view.slug}?currency=${code}${rhythm}#give` }));
  return { presets, impact: chosen?.impact ?? fallback, otherCurrencies };
}

/** What only this request can say: the site's address as the browser reaches it, for previews and sharing. */
export interface PageAddress {
  siteUrl: string;
  share: ShareLinks;
}

export async function pageAddress(siteUrl: string, { view }: CampaignPageContent, locale: Locale): Promise<PageAddress> {
  return { siteUrl, share: await shareLinks(siteUrl, view.slug, view.title, locale) };
}

/** The page's template data: the shared content and this visitor's form; sharing and link previews when the address is known. */
export function campaignPageWithForm(content: CampaignPageContent, locale: Locale, form: DonateForm, address?: PageAddress) {
  const { campaign, view, impactUpdates, giveNow, rounds, registration, paymentMethods, closing, report } = content;
  const errorList = Object.entries(form.errors).map(([field, message]) => ({ field, message }));
  const og = address ? { ...linkPreview(address.siteUrl, view.slug, view.title, view.summary, view.coverImageUrl), imageAlt: translate(locale, 'campaign.coverAlt', { title: view.title }) } : undefined;
  return {
    title: view.title,
    campaign: view,
    impactUpdates,
    giveNow,
    rounds,
    registration,
    paymentMethods,
    closing,
    report,
    share: view.open ? address?.share : undefined,
    og,
    // The layout's brand-head leaves og:image and twitter:card to a page that names its own picture.
    ogImage: og?.image ?? undefined,
    form: {
      ...form,
      errorList,
      ...amountChoice(view, locale, form),
      currencies: campaign.accepted_currencies.map((code) => ({ code, selected: code === form.values.currency })),
      frequencies: [
        { value: 'once', label: translate(locale, 'donate.once'), checked: form.values.frequency === 'once' },
        { value: 'month', label: translate(locale, 'donate.month'), checked: form.values.frequency === 'month' },
        { value: 'year', label: translate(locale, 'donate.year'), checked: form.values.frequency === 'year' },
      ],
      asOrganisation: form.values.giving_as === 'organisation',
      organisationKinds: organisationTypes.map((kind) => ({ value: kind, label: translate(locale, `organisation.kind.${kind}`), selected: form.values.organisation_kind === kind })),
    },
  };
}

export async function campaignPageView(ctx: PageReader, campaign: Campaign, locale: Locale, form: DonateForm) {
  return campaignPageWithForm(await campaignPageContent(ctx, campaign, locale), locale, form);
}
