import { Router } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { keptBody, sendKept } from '../http/kept-response';
import { renderPage } from '../http/views';
import { translate } from '../i18n/messages';
import { defaultLocale } from '../locale';
import { toMajorUnits } from '../money';
import { verifyToken } from '../http/signed-links';
import { blankDonateForm, type DonateForm } from './donate-form';
import { campaignPageWithForm, loadCampaignPage, readCampaignPage } from './page';
import { campaignCard } from './presentation';
import { findDonation, listLiveCampaigns } from './campaign.repository';
import { campaignTotals } from './totals';

// A retry link may be forwarded or bookmarked: after this long it refills the gift, not the person.
const personalDetailsKeptMs = 2 * 60 * 60 * 1000;

export function campaignRoutes({ db, config, campaignCache, clock }: AppContext): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const locale = res.locals.locale ?? defaultLocale;
    const cards = await campaignCache.read(`home:${locale}`, async () => {
      const campaigns = await listLiveCampaigns(db);
      const totals = await campaignTotals(db, campaigns);
      const now = clock.now();
      return { value: campaigns.map((c) => campaignCard(c, totals.get(c.id)!, locale, now)), shows: 'all' };
    });
    res.render('campaigns/index', { title: translate(locale, 'campaigns.title'), campaigns: cards });
  });

  router.get('/campaigns/:slug', async (req, res) => {
    const locale = res.locals.locale ?? defaultLocale;
    // The address as shared, with nothing after it, shows every visitor the same page in their language:
    // kept rendered, from content loaded for it, so the page and what it was rendered from change together.
    if (Object.keys(req.query).length === 0) {
      const html = await campaignCache.read(`html:${locale}:${req.params.slug}`, async () => {
        const { value: page, shows } = await loadCampaignPage({ db, clock }, req.params.slug, locale);
        return { value: page && keptBody(await renderPage(res, 'campaigns/show', campaignPageWithForm(page, locale, blankDonateForm(page.campaign)))), shows };
      });
      if (!html) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
      sendKept(res, 'html', html);
      return;
    }
    const page = await readCampaignPage({ db, clock, campaignCache }, req.params.slug, locale);
    if (!page) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
    const { campaign } = page;
    let form: DonateForm = blankDonateForm(campaign, req.query);
    // Back from Checkout without paying: the form keeps what the donor typed. The link is signed, so
    // nobody can walk through donation ids to read other donors' details.
    const retryId = typeof req.query.retry === 'string' ? verifyToken(config.sessionSecret, 'retry', req.query.retry) : undefined;
    const retry = retryId ? await findDonation(db, retryId) : undefined;
    if (retry && retry.campaign_id === campaign.id && retry.origin === 'checkout' && ['pending', 'expired', 'failed'].includes(retry.status)) {
      const fresh = Date.now() - retry.created_at.getTime() < personalDetailsKeptMs;
      const donor = fresh && retry.donor_id ? await db.selectFrom('donors').select('email').where('id', '=', retry.donor_id).executeTakeFirst() : undefined;
      form = {
        errors: {},
        values: {
          ...form.values,
          amount: toMajorUnits(retry),
          currency: retry.currency,
          frequency: retry.frequency,
          utm_source: retry.utm_source ?? form.values.utm_source,
          ...(fresh
            ? {
                email: donor?.email ?? '',
                name: retry.donor_name ?? '',
                message: retry.message ?? '',
                dedication_kind: retry.dedication_kind ?? '',
                dedication_name: retry.dedication_name ?? '',
                anonymous: retry.anonymous,
              }
            : {}),
        },
      };
    }
    res.render('campaigns/show', campaignPageWithForm(page, locale, form));
  });

  return router;
}
