// The public JSON view of campaigns, for widgets and partner sites; a few seconds stale at most.
import { Router } from 'express';
import type { Db } from '../../db/index';
import type { Campaign } from '../../db/schema';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { defaultLocale, localize } from '../locale';
import { findPublicCampaign, listPublicCampaigns } from './queries';
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

/** Remembers each answer for a few seconds, so a busy widget does not sum the ledger on every request. */
function briefly<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const answers = new Map<string, { expires: number; value: Promise<T> }>();
  return (key) => {
    const now = Date.now();
    const cached = answers.get(key);
    if (cached && cached.expires > now) return cached.value;
    const value = load(key);
    answers.set(key, { expires: now + cacheSeconds * 1000, value });
    value.catch(() => answers.delete(key));
    return value;
  };
}

async function loadCampaigns(db: Db, slug: string) {
  const campaigns = slug === '*' ? await listPublicCampaigns(db) : [await findPublicCampaign(db, slug)].filter((c) => c !== undefined);
  const totals = await campaignTotals(db, campaigns);
  return campaigns.map((c) => campaignJson(c, totals.get(c.id)!));
}

export function campaignApiRoutes({ db }: AppContext): Router {
  const router = Router();
  const campaigns = briefly((slug) => loadCampaigns(db, slug));

  router.get('/api/campaigns', async (_req, res) => {
    res.set('Cache-Control', `public, max-age=${cacheSeconds}`).json({ campaigns: await campaigns('*') });
  });

  router.get('/api/campaigns/:slug', async (req, res) => {
    const [campaign] = /^[a-z0-9-]{1,80}$/.test(req.params.slug) ? await campaigns(req.params.slug) : [];
    if (!campaign) throw new NotFound('There is no campaign at this address.');
    res.set('Cache-Control', `public, max-age=${cacheSeconds}`).json(campaign);
  });

  return router;
}
