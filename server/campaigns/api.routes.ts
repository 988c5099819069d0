// The public JSON view of campaigns, for widgets and partner sites.
import { Router, type Request, type Response } from 'express';
import type { Db } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { keptBody, sendKept } from '../http/kept-response';
import { translate } from '../i18n/messages';
import { defaultLocale, localize } from '../locale';
import { findPublicCampaign, listPublicCampaigns } from './campaign.repository';
import { campaignTotals, type CampaignTotals } from './totals';
import { opensAt, takesGifts } from './closing';

const cacheSeconds = 5;

function campaignJson(campaign: Campaign, totals: CampaignTotals, now: Date) {
  return {
    slug: campaign.slug,
    title: localize(campaign.title, defaultLocale),
    // A round past its end is closed to donors even while staff have not closed it yet; one published before it opens is upcoming.
    status: takesGifts(campaign, now) ? 'live' : opensAt(campaign, now) ? 'upcoming' : 'closed',
    target: { amount: campaign.target_amount, currency: campaign.target_currency },
    raised: totals.raised,
    raisedByCurrency: totals.raisedByCurrency,
    donors: totals.donors,
    recurringDonors: totals.recurringDonors,
    startsAt: campaign.starts_at.toISOString(),
    endsAt: campaign.ends_at?.toISOString() ?? null,
  };
}

async function campaignsJson(db: Db, campaigns: Campaign[], now: Date) {
  const totals = await campaignTotals(db, campaigns);
  return campaigns.map((c) => campaignJson(c, totals.get(c.id)!, now));
}

const listCampaignsJson =
  ({ db, campaignCache, clock }: AppContext) =>
  async (_req: Request, res: Response) => {
    // Kept as the encoded JSON itself: serializing and hashing it are most of what is left of an answer's cost.
    const body = await campaignCache.read('api:all', async () => ({ value: keptBody(JSON.stringify({ campaigns: await campaignsJson(db, await listPublicCampaigns(db), clock.now()) })), shows: 'all' }));
    sendKept(res.set('Cache-Control', `public, max-age=${cacheSeconds}`), 'json', body);
  };

const showCampaignJson =
  ({ db, campaignCache, clock }: AppContext) =>
  async (req: Request<{ slug: string }>, res: Response) => {
    const body = await campaignCache.read(`api:${req.params.slug}`, async () => {
      const found = await findPublicCampaign(db, req.params.slug);
      return found ? { value: keptBody(JSON.stringify((await campaignsJson(db, [found], clock.now()))[0])), shows: [found.id] } : { value: undefined, shows: 'all' };
    });
    // The API speaks English whatever the browser asks, as its titles do.
    if (!body) throw new NotFound(translate(defaultLocale, 'errors.campaignNotFound'));
    sendKept(res.set('Cache-Control', `public, max-age=${cacheSeconds}`), 'json', body);
  };

// Kept in the campaign cache until a campaign changes; browsers and CDNs may keep an answer a few seconds more.
export function campaignApiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/api/campaigns', listCampaignsJson(ctx));
  router.get('/api/campaigns/:slug', showCampaignJson(ctx));
  return router;
}
