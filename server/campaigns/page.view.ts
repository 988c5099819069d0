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
import { campaignPage } from './campaign.view';
import { totalsOf } from './totals';
import { takesGifts, whereToGiveNow } from './closing';

/** What the campaign page shows every visitor alike, in one language: what the campaign cache keeps. */
export interface CampaignPageContent {
  campaign: Campaign;
  view: ReturnType<typeof campaignPage>;
  impactUpdates: ImpactUpdateView[];
  /** On a closed campaign, the one a donor can give to now; null for the campaign list (and on an open one). */
  giveNow: { href: string; title: string } | null;
}

type PageReader = Pick<AppContext, 'db' | 'clock' | 'config'>;

async function giveNowFrom({ db, config }: PageReader, closed: Campaign, locale: Locale, now: Date): Promise<CampaignPageContent['giveNow']> {
  const next = whereToGiveNow(closed, await listLiveCampaigns(db), config.donations.generalFundSlug, now);
  return next ? { href: `/campaigns/${next.slug}`, title: localize(next.title, locale) } : null;
}

export async function campaignPageContent(ctx: PageReader, campaign: Campaign, locale: Locale): Promise<CampaignPageContent> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const [presets, totals, gifts, updates] = await Promise.all([listPresets(db, campaign.id), totalsOf(db, campaign), recentGifts(db, campaign.id), listImpactUpdates(db, campaign.id)]);
  const giveNow = takesGifts(campaign, now) ? null : await giveNowFrom(ctx, campaign, locale, now);
  return { campaign, view: campaignPage(campaign, presets, totals, gifts, locale, now), impactUpdates: updates.map((update) => impactUpdateView(update, locale)), giveNow };
}

/** The public campaign at `slug` as its page shows it, loaded for the campaign cache; undefined when there is none. */
export async function loadCampaignPage(ctx: PageReader, slug: string, locale: Locale): Promise<Loaded<CampaignPageContent | undefined>> {
  const campaign = await findPublicCampaign(ctx.db, slug);
  if (!campaign) return { value: undefined, shows: 'all' };
  const value = await campaignPageContent(ctx, campaign, locale);
  // A closed campaign's page names where to give now, which another campaign's change may alter.
  return { value, shows: value.view.open ? [campaign.id] : 'all' };
}

/** The public campaign at `slug` as its page shows it, from the campaign cache; undefined when there is none. */
export async function readCampaignPage(ctx: PageReader & Pick<AppContext, 'campaignCache'>, slug: string, locale: Locale): Promise<CampaignPageContent | undefined> {
  return ctx.campaignCache.read(`page:${locale}:${slug}`, () => loadCampaignPage(ctx, slug, locale));
}

/** The page's template data: the shared content and this visitor's form. */
export function campaignPageWithForm({ campaign, view, impactUpdates, giveNow }: CampaignPageContent, locale: Locale, form: DonateForm) {
  const errorList = Object.entries(form.errors).map(([field, message]) => ({ field, message }));
  return {
    title: view.title,
    campaign: view,
    impactUpdates,
    giveNow,
    form: {
      ...form,
      errorList,
      currencies: campaign.accepted_currencies.map((code) => ({ code, selected: code === form.values.currency })),
      frequencies: [
        { value: 'once', label: translate(locale, 'donate.once'), checked: form.values.frequency === 'once' },
        { value: 'month', label: translate(locale, 'donate.month'), checked: form.values.frequency === 'month' },
        { value: 'year', label: translate(locale, 'donate.year'), checked: form.values.frequency === 'year' },
      ],
    },
  };
}

export async function campaignPageView(ctx: PageReader, campaign: Campaign, locale: Locale, form: DonateForm) {
  return campaignPageWithForm(await campaignPageContent(ctx, campaign, locale), locale, form);
}
