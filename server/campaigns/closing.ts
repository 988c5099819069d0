// Whether a campaign takes gifts, and where a donor who finds one that does not can give now.
import type { Campaign } from '../tables/campaigns.table';

/**
 * Live, open already and not past its end: staff may publish a round before it opens, close one early,
 * and nothing closes one the moment its end passes. Asked of a past moment (a late payment's), a campaign
 * staff closed since took gifts until they closed it.
 */
export function takesGifts(campaign: Pick<Campaign, 'status' | 'starts_at' | 'ends_at' | 'closed_at'>, now: Date): boolean {
  const openAt = campaign.status === 'live' || (campaign.status === 'closed' && campaign.closed_at !== null && campaign.closed_at.getTime() > now.getTime());
  return openAt && campaign.starts_at.getTime() <= now.getTime() && (campaign.ends_at === null || campaign.ends_at.getTime() >= now.getTime());
}

/** When a live campaign that has not opened yet opens; null for one already open, or not live. */
export function opensAt(campaign: Pick<Campaign, 'status' | 'starts_at'>, now: Date): Date | null {
  return campaign.status === 'live' && campaign.starts_at.getTime() > now.getTime() ? campaign.starts_at : null;
}

/** When a closed campaign closed, as far as we know it: its end, once passed; null for a round closed early. */
export function closedAt(campaign: Pick<Campaign, 'ends_at'>, now: Date): Date | null {
  return campaign.ends_at !== null && campaign.ends_at.getTime() < now.getTime() ? campaign.ends_at : null;
}

/**
 * Where a gift goes when `closed` no longer takes them (a donor on its page, its monthly gifts, a late
 * payment): the open round of its mission that starts after it, soonest first, else the general fund;
 * undefined when neither takes gifts. `live` in the order to prefer: the soonest to end first.
 */
export function whereToGiveNow(closed: Pick<Campaign, 'id' | 'mission_id' | 'starts_at'>, live: Campaign[], generalFundSlug: string, now: Date): Campaign | undefined {
  const open = live.filter((campaign) => campaign.id !== closed.id && takesGifts(campaign, now));
  const nextRound =
    closed.mission_id === null
      ? undefined
      : open.filter((campaign) => campaign.mission_id === closed.mission_id && campaign.starts_at.getTime() >= closed.starts_at.getTime()).sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime())[0];
  return nextRound ?? open.find((campaign) => campaign.slug === generalFundSlug);
}

/**
 * Where a donor who finds a round that has not opened yet can give meanwhile: its mission's round open
 * now, else the general fund; undefined when neither takes gifts.
 */
export function whereToGiveUntilOpen(upcoming: Pick<Campaign, 'id' | 'mission_id'>, live: Campaign[], generalFundSlug: string, now: Date): Campaign | undefined {
  const open = live.filter((campaign) => campaign.id !== upcoming.id && takesGifts(campaign, now));
  const openRound = upcoming.mission_id === null ? undefined : open.find((campaign) => campaign.mission_id === upcoming.mission_id);
  return openRound ?? open.find((campaign) => campaign.slug === generalFundSlug);
}
