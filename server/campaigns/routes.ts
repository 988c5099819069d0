import { Router } from 'express';
import type { AppContext } from '../context';
import { findDonation } from '../donations/queries';
import { NotFound } from '../http/errors';
import { defaultLocale } from '../locale';
import { toMajorUnits } from '../money';
import { blankDonateForm, campaignPageView, type DonateForm } from './page';
import { campaignCard } from './presentation';
import { findPublicCampaign, listLiveCampaigns } from './queries';
import { campaignTotals } from './totals';

export function campaignRoutes({ db }: AppContext): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const now = new Date();
    const campaigns = await listLiveCampaigns(db);
    const totals = await campaignTotals(db, campaigns);
    res.render('campaigns/index', { title: 'Give a child a smile', campaigns: campaigns.map((c) => campaignCard(c, totals.get(c.id)!, defaultLocale, now)) });
  });

  router.get('/campaigns/:slug', async (req, res) => {
    const campaign = await findPublicCampaign(db, req.params.slug);
    if (!campaign) throw new NotFound('There is no campaign at this address.');
    let form: DonateForm = blankDonateForm(campaign, req.query);
    // Back from Checkout without paying: the form keeps what the donor typed.
    const retry = typeof req.query.retry === 'string' ? await findDonation(db, req.query.retry) : undefined;
    if (retry && retry.campaign_id === campaign.id && retry.origin === 'checkout' && ['pending', 'expired', 'failed'].includes(retry.status)) {
      const donor = retry.donor_id ? await db.selectFrom('donors').select('email').where('id', '=', retry.donor_id).executeTakeFirst() : undefined;
      form = {
        errors: {},
        values: {
          amount: toMajorUnits(retry),
          currency: retry.currency,
          frequency: retry.frequency,
          email: donor?.email ?? '',
          name: retry.donor_name ?? '',
          message: retry.message ?? '',
          dedication_kind: retry.dedication_kind ?? '',
          dedication_name: retry.dedication_name ?? '',
          anonymous: retry.anonymous,
        },
      };
    }
    res.render('campaigns/show', await campaignPageView(db, campaign, defaultLocale, form));
  });

  return router;
}
