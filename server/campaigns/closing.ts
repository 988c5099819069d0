// Whether a campaign still takes gifts, and where a donor who finds a closed one can give now.
import type { Campaign } from '../tables/campaigns.table';

/** Live and not past its end: staff may close a round early, and nothing closes one the moment its end passes. */
export function takesGifts(campaign: Pick<Campaign, 'status' | 'ends_at'>, now: Date): boolean {
  return campaign.status === 'live' && (campaign.ends_at === null || campaign.ends_at.getTime() >= now.getTime());
}

/** When a closed campaign closed, as far as we know it: its end, once passed; null for a round closed early. */
export function closedAt(campaign: Pick<Campaign, 'ends_at'>, now: Date): Date | null {
  return campaign.ends_at !== null && campaign.ends_at.getTime() < now.getTime() ? campaign.ends_at : null;
}

/** "happy-smile" for "happy-smile-2026-07" (or "…-2026"): what the rounds of one series share; null for a slug with no date. */
export function seriesOf(slug: string): string | null {
  return /^(.+)-\d{4}(-\d{2})?$/.exec(slug)?.[1] ?? null;
}

/**
 * Where to send a donor from a closed campaign: the open round of its series, else the general fund; undefined
 * when neither takes gifts (the campaign list then). `live` in the order to prefer: the soonest to end first.
 */
export function whereToGiveNow(closed: Pick<Campaign, 'id' | 'slug'>, live: Campaign[], generalFundSlug: string, now: Date): Campaign | undefined {
  const open = live.filter((campaign) => campaign.id !== closed.id && takesGifts(campaign, now));
  const series = seriesOf(closed.slug);
  return (series !== null ? open.find((campaign) => seriesOf(campaign.slug) === series) : undefined) ?? open.find((campaign) => campaign.slug === generalFundSlug);
}
