// The public JSON view of campaigns, for widgets and partner sites.
import { Router } from 'express';
import type { Db } from '../database';
import type { Campaign } from './campaign.table';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { keptBody, sendKept } from '../http/kept-response';
import { defaultLocale, localize } from '../locale';
import { findPublicCampaign, listPublicCampaigns } from './campaign.repository';
import { campaignTotals, type CampaignTotals } from './totals';

const cacheSeconds = 5;

function campaignJson(campaign: Campaign, totals: CampaignTotals) {
  return {
    slug: campaign.slug,
    title: localize(campaign.title, defaultLocale),
    status: campaign.status,
    target: { amount: campaign.target_amount, currency: campaign.target_currency },
    raised: totals.raised,
    raisedByCurrency: totals.raisedByCurrency,
    donors: totals.donors,
    recurringDonors: totals.recurringDonors,
    startsAt: campaign.starts_at.toISOString(),
    endsAt: campaign.ends_at?.toISOString() ?? null,
  };
}

async function campaignsJson(db: Db, campaigns: Campaign[]) {
  const totals = await campaignTotals(db, campaigns);
  return campaigns.map((c) => campaignJson(c, totals.get(c.id)!));
}

// Kept in the campaign cache until a campaign changes; browsers and CDNs may keep an answer a few seconds more.
export function campaignApiRoutes({ db, campaignCache }: AppContext): Router {
  const router = Router();

  // Kept as the encoded JSON itself: serializing and hashing it are most of what is left of an answer's cost.
  router.get('/api/campaigns', async (_req, res) => {
    const body = await campaignCache.read('api:all', async () => ({ value: keptBody(JSON.stringify({ campaigns: await campaignsJson(db, await listPublicCampaigns(db)) })), shows: 'all' }));
    sendKept(res.set('Cache-Control', `public, max-age=${cacheSeconds}`), 'json', body);
  });

  router.get('/api/campaigns/:slug', async (req, res) => {
    const body = await campaignCache.read(`api:${req.params.slug}`, async () => {
      const found = await findPublicCampaign(db, req.params.slug);
      return found ? { value: keptBody(JSON.stringify((await campaignsJson(db, [found]))[0])), shows: [found.id] } : { value: undefined, shows: 'all' };
    });
    if (!body) throw new NotFound('There is no campaign at this address.');
    sendKept(res.set('Cache-Control', `public, max-age=${cacheSeconds}`), 'json', body);
  });

  return router;
}
