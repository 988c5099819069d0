// The public campaign pages: the list of campaigns raising now, and each campaign's page with its donate form.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { keptBody, sendKept } from '../http/kept-response';
import { renderPage } from '../http/views';
import { translate } from '../i18n/messages';
import { blankDonateForm } from './donate-form';
import { campaignPageWithForm, loadCampaignPage, pageAddress, readCampaignPage } from './page.view';
import { siteUrlFor } from '../http/site-url';
import { campaignCard } from './campaign.view';
import { listLiveCampaigns } from './campaign.repository';
import { formAfterRetry } from './retry-form';
import { campaignTotals } from './totals';
import { takesGifts } from './closing';
import { localeOf } from '../http/language';


const showLiveCampaigns =
  ({ db, campaignCache, clock }: AppContext) =>
  async (_req: Request, res: Response) => {
    const locale = localeOf(res);
    const cards = await campaignCache.read(`home:${locale}`, async () => {
      const campaigns = await listLiveCampaigns(db);
      const totals = await campaignTotals(db, campaigns);
      const now = clock.now();
      // A round past its end stays live until staff close it; it is no longer one to give to.
      const open = campaigns.filter((c) => takesGifts(c, now));
      return { value: open.map((c) => campaignCard(c, totals.get(c.id)!, locale, now)), shows: 'all' };
    });
    res.render('campaigns/index', { title: translate(locale, 'campaigns.title'), campaigns: cards });
  };

/** The address as shared, with nothing after it, shows every visitor the same page in their language. */
async function sendSharedPage({ db, clock, config, campaignCache }: AppContext, slug: string, req: Request, res: Response) {
  const locale = localeOf(res);
  const siteUrl = siteUrlFor(config, req);
  // Kept rendered, from content loaded for it, so the page and what it was rendered from change together;
  // per site address, since its previews and share links name it.
  const html = await campaignCache.read(`html:${locale}:${siteUrl}:${slug}`, async () => {
    const { value: page, shows } = await loadCampaignPage({ db, clock, config }, slug, locale);
    if (!page) return { value: undefined, shows };
    const data = campaignPageWithForm(page, locale, blankDonateForm(page.campaign), await pageAddress(siteUrl, page, locale));
    return { value: keptBody(await renderPage(res, 'campaigns/show', data)), shows };
  });
  if (!html) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
  sendKept(res, 'html', html);
}

const showCampaign = (ctx: AppContext) => async (req: Request<{ slug: string }>, res: Response) => {
  if (Object.keys(req.query).length === 0) return sendSharedPage(ctx, req.params.slug, req, res);
  const locale = localeOf(res);
  const page = await readCampaignPage(ctx, req.params.slug, locale);
  if (!page) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
  // Back from Checkout without paying: the form keeps what the donor typed.
  const form = await formAfterRetry(ctx, page.campaign, req.query.retry, blankDonateForm(page.campaign, req.query));
  res.render('campaigns/show', campaignPageWithForm(page, locale, form, await pageAddress(siteUrlFor(ctx.config, req), page, locale)));
};

export function campaignRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', showLiveCampaigns(ctx));
  router.get('/campaigns/:slug', showCampaign(ctx));
  return router;
}
