// The donate widget partner sites put in an iframe, and the page that gives them the code to paste.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { siteUrlFor } from '../http/site-url';
import { translate } from '../i18n/messages';
import { localize } from '../locale';
import { readCampaignPage } from './page.view';
import { findPublicCampaign } from './campaign.repository';
import { localeOf } from '../http/language';

/** How often the widget's numbers refresh: by its small script, or by a meta refresh without JavaScript. */
const refreshSeconds = 60;

/** The widget may sit in any site's page; everything else keeps helmet's frame-ancestors 'self' and X-Frame-Options. */
const allowFramingAnywhere: RequestHandler = (_req, res, next) => {
  const policy = res.get('Content-Security-Policy');
  if (policy) res.set('Content-Security-Policy', policy.replace(/frame-ancestors [^;]*/, 'frame-ancestors *'));
  res.removeHeader('X-Frame-Options');
  next();
};

/** Text as it may stand in a double-quoted HTML attribute; only what must be escaped, so the code stays readable. */
function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}


const showWidget = (ctx: AppContext) => async (req: Request, res: Response) => {
  const locale = localeOf(res);
  const page = await readCampaignPage(ctx, String(req.params.slug), locale);
  if (!page) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
  const { campaign, view: card } = page;
  res.render('embed/campaign', {
    layout: 'embed',
    title: card.title,
    refreshSeconds,
    campaign: card,
    open: card.open,
    // The donor lands on our own form, in the widget's language, and the gift remembers where it came from.
    giveHref: `/campaigns/${campaign.slug}?utm_source=embed&lang=${locale}#give`,
    campaignHref: `/campaigns/${campaign.slug}?utm_source=embed&lang=${locale}`,
  });
};

const showSnippet = (ctx: AppContext) => async (req: Request, res: Response) => {
  const locale = localeOf(res);
  const campaign = await findPublicCampaign(ctx.db, String(req.params.slug));
  if (!campaign) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
  const title = localize(campaign.title, locale);
  const src = `${siteUrlFor(ctx.config, req)}/embed/campaigns/${campaign.slug}?lang=${locale}`;
  const frameTitle = translate(locale, 'embed.frameTitle', { title, organisation: localize(ctx.config.organisation.name, locale) });
  // Escaped once as HTML of its own here; the template escapes the whole code again to show it.
  const snippet = `<iframe src="${escapeAttribute(src)}" title="${escapeAttribute(frameTitle)}" loading="lazy" width="360" height="260" style="border:0;max-width:100%"></iframe>`;
  res.render('embed/snippet', { title: translate(locale, 'embed.snippet.title', { title }), campaignTitle: title, snippet, previewSrc: `/embed/campaigns/${campaign.slug}?lang=${locale}`, frameTitle });
};

export function embedRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/embed/campaigns/:slug', allowFramingAnywhere, showWidget(ctx));
  router.get('/embed/campaigns/:slug/snippet', showSnippet(ctx));
  return router;
}
