// The organisation on every page: `organisation` for the layouts, its colours (/brand.css), its logo and the favicon.
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { AppContext } from '../context';
import { localeOf } from '../http/language';
import { siteUrlFor } from '../http/site-url';
import { drawnLogoPath, organisationIn } from '../organisation';
import { brandStylesheet, drawnLogo } from './logo';

export function brandRoutes(ctx: AppContext): Router {
  const org = ctx.config.organisation;
  const logo = drawnLogo(org);
  const stylesheet = brandStylesheet(org);
  const maxAge = ctx.config.env === 'production' ? 86_400 : 0;
  const router = Router();

  // Read when the page renders, so that a language chosen after this (a staff member's own) is the one shown.
  function organisationForPages(req: Request, res: Response, next: NextFunction) {
    // Every date a page shows (a campaign's close, an update's day) is a day where the organisation is.
    res.locals.timeZone = org.timeZone;
    Object.defineProperty(res.locals, 'organisation', {
      enumerable: true,
      configurable: true,
      get: () => {
        const view = organisationIn(org, localeOf(res));
        const share = view.shareImageUrl;
        const imageUrl = share?.startsWith('/') ? `${siteUrlFor(ctx.config, req)}${share}` : share;
        return { ...view, imageUrl, stylesheetVersion: org.colour.slice(1) };
      },
    });
    next();
  }

  function sendLogo(_req: Request, res: Response) {
    res.type('image/svg+xml').set('Cache-Control', `public, max-age=${maxAge}`).send(logo);
  }

  // Browsers ask for /favicon.ico whatever the page says: the organisation's own logo, or the drawn one.
  function sendFavicon(req: Request, res: Response) {
    if (org.logoUrl) res.redirect(302, org.logoUrl);
    else sendLogo(req, res);
  }

  function sendStylesheet(_req: Request, res: Response) {
    res.type('text/css').set('Cache-Control', `public, max-age=${maxAge}`).send(stylesheet);
  }

  router.use(organisationForPages);
  router.get(drawnLogoPath, sendLogo);
  router.get('/favicon.ico', sendFavicon);
  router.get('/brand.css', sendStylesheet);
  return router;
}
