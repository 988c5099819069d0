// How a campaign reads on a page: localized text, money and days left.
import type { Campaign, CampaignPreset } from '../../db/schema';
import { localize, type Locale } from '../locale';
import { formatMoney } from '../money';

const dayMs = 24 * 60 * 60 * 1000;

/** Whole days until the campaign closes, counting today; null for a fund that stays open. */
export function daysLeft(endsAt: Date | null, now: Date): number | null {
  if (!endsAt) return null;
  return Math.max(0, Math.ceil((endsAt.getTime() - now.getTime()) / dayMs));
}

export function campaignCard(campaign: Campaign, locale: Locale, now: Date) {
  const target = { amount: campaign.target_amount, currency: campaign.target_currency };
  return {
    slug: campaign.slug,
    title: localize(campaign.title, locale),
    summary: localize(campaign.summary, locale),
    status: campaign.status,
    target: formatMoney(target, locale, { wholeUnits: true }),
    endsAt: campaign.ends_at,
    daysLeft: daysLeft(campaign.ends_at, now),
    coverImageUrl: campaign.cover_image_url,
  };
}

export function campaignPage(campaign: Campaign, presets: CampaignPreset[], locale: Locale, now: Date) {
  const costUnit =
    campaign.cost_unit_amount !== null
      ? {
          amount: formatMoney({ amount: campaign.cost_unit_amount, currency: campaign.target_currency }, locale, { wholeUnits: true }),
          label: localize(campaign.cost_unit_label, locale),
        }
      : null;
  return {
    ...campaignCard(campaign, locale, now),
    storyParagraphs: localize(campaign.story, locale).split(/\n{2,}/),
    costUnit,
    acceptedCurrencies: campaign.accepted_currencies,
    presets: presets.map((preset) => ({
      currency: preset.currency,
      amount: formatMoney({ amount: preset.amount, currency: preset.currency }, locale, { wholeUnits: true }),
      label: localize(preset.label, locale),
    })),
  };
}
