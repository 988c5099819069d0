import { Router } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { defaultLocale } from '../locale';
import { campaignCard, campaignPage } from './presentation';
import { findPublicCampaign, listLiveCampaigns, listPresets } from './queries';

export function campaignRoutes({ db }: AppContext): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const now = new Date();
    const campaigns = await listLiveCampaigns(db);
    res.render('campaigns/index', { title: 'Give a child a smile', campaigns: campaigns.map((c) => campaignCard(c, defaultLocale, now)) });
  });

  router.get('/campaigns/:slug', async (req, res) => {
    const campaign = await findPublicCampaign(db, req.params.slug);
    if (!campaign) throw new NotFound('There is no campaign at this address.');
    const view = campaignPage(campaign, await listPresets(db, campaign.id), defaultLocale, new Date());
    res.render('campaigns/show', { title: view.title, campaign: view });
  });

  return router;
}
