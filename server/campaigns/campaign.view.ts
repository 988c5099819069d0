// How a campaign reads on a page: localized text, money and days left.
import type { Campaign } from '../tables/campaigns.table';
import type { CampaignPreset } from '../tables/campaign-presets.table';
import type { PublicGift } from './campaign.repository';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney, percentOf, toMajorUnits } from '../money';
import type { CampaignTotals } from './totals';
import { closedAt, opensAt, takesGifts } from './closing';

const dayMs = 24 * 60 * 60 * 1000;

/** Whole days until the campaign closes, counting today; null for a fund that stays open. */
export function daysLeft(endsAt: Date | null, now: Date): number | null {
  if (!endsAt) return null;
  return Math.max(0, Math.ceil((endsAt.getTime() - now.getTime()) / dayMs));
}

/** " (3 days left)" or "（还剩 3 天）", said right after the closing date; '' for a fund that stays open. */
export function daysLeftText(days: number | null, locale: Locale): string {
  if (days === null) return '';
  return translate(locale, days === 1 ? 'campaigns.dayLeftSuffix' : 'campaigns.daysLeftSuffix', { n: days });
}

/** The progress bar's numbers: raised of target, and the percentage as text beside it. */
function progress(campaign: Campaign, totals: CampaignTotals, locale: Locale) {
  const target = { amount: campaign.target_amount, currency: campaign.target_currency };
  const percent = percentOf(totals.raised, target);
  return {
    raised: formatMoney(totals.raised, locale, { wholeUnits: true }),
    percent,
    barPercent: Math.min(100, percent),
    donors: totals.donors,
    recurringDonors: totals.recurringDonors,
    raisedByCurrency: totals.raisedByCurrency.filter((m) => m.amount !== 0).map((m) => formatMoney(m, locale)),
  };
}

export function campaignCard(campaign: Campaign, totals: CampaignTotals, locale: Locale, now: Date) {
  const target = { amount: campaign.target_amount, currency: campaign.target_currency };
  const open = takesGifts(campaign, now);
  return {
    ...progress(campaign, totals, locale),
    slug: campaign.slug,
    title: localize(campaign.title, locale),
    summary: localize(campaign.summary, locale),
    status: campaign.status,
    target: formatMoney(target, locale, { wholeUnits: true }),
    endsAt: campaign.ends_at,
    daysLeft: daysLeft(campaign.ends_at, now),
    daysLeftText: open ? daysLeftText(daysLeft(campaign.ends_at, now), locale) : '',
    /** Whether it takes gifts now: live, open already, and not past its end. */
    open,
    /** A round published before it opens: when it will. */
    opensAt: opensAt(campaign, now),
    closedAt: open ? null : closedAt(campaign, now),
    coverImageUrl: campaign.cover_image_url,
  };
}

export function campaignPage(campaign: Campaign, presets: CampaignPreset[], totals: CampaignTotals, gifts: PublicGift[], locale: Locale, now: Date) {
  const costUnit =
    campaign.cost_unit_amount !== null
      ? {
          amount: formatMoney({ amount: campaign.cost_unit_amount, currency: campaign.target_currency }, locale, { wholeUnits: true }),
          label: localize(campaign.cost_unit_label, locale),
        }
      : null;
  return {
    ...campaignCard(campaign, totals, locale, now),
    storyParagraphs: localize(campaign.story, locale).split(/\n{2,}/),
    costUnit,
    acceptedCurrencies: campaign.accepted_currencies,
    // A closed campaign offers no amount to give.
    presets: (takesGifts(campaign, now) ? presets : []).map((preset) => ({
      currency: preset.currency,
      amount: formatMoney({ amount: preset.amount, currency: preset.currency }, locale, { wholeUnits: true }),
      label: localize(preset.label, locale),
      /** As the amount field holds it: "800.00". */
      value: toMajorUnits(preset),
      /** Minor units, to compare with what the donor typed. */
      minorUnits: preset.amount,
    })),
    recentGifts: gifts.map((gift) => ({
      name: gift.name,
      amount: formatMoney(gift, locale),
      message: gift.message,
      recurring: gift.frequency !== 'once',
      givenAt: gift.givenAt,
    })),
  };
}
