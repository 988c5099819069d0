// What every /staff request passes through before its route: cookies, form bodies, CSRF, who is signed
// in, the menu; and the form protection the sign-in routes renew.
import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { secureCookies } from '../config';
import type { AppContext } from '../context';
import { formProtection, type FormProtection } from '../http/csrf';
import { multipartForms } from '../http/multipart';
import { AppError } from '../http/errors';
import { loadStaff, mayOpen } from './access';
import { sessionCookie } from './sessions';
import { staffLanguages, staffNav } from './staff.view';
import { locales } from '../locale';
import { localeOf, say } from '../http/language';
import { siteUrlFor } from '../http/site-url';

export const staffForms = (ctx: AppContext): FormProtection => ({ secret: ctx.config.sessionSecret, secure: secureCookies(ctx.config), cookieName: 'sf_csrf', path: '/staff', sessionCookie });

export function staffShell(ctx: AppContext): Router {
  const shell = Router();
  shell.use(cookieParser());
  // A campaign's story and an impact update's body, each in three languages, need more room than any other
  // form; the sign-in form, open to anyone, keeps the smaller limit. The first parser to read a body wins.
  shell.use('/campaigns', express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 200 }));
  shell.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 200 }));
  shell.use(loadStaff(ctx));
  // A round's spending carries a receipt scan of up to 5 MB: read only for a signed-in colleague of finance
  // (the form's token is checked next, once the body is read); anyone else's upload is never parsed.
  shell.use('/finance/rounds', financeOnly(multipartForms({ limit: '8mb' })));
  // So does a mainland partner's receipt on a gift's page (server/finance/partner-receipts).
  shell.use('/finance/gifts/:id/partner-receipts', financeOnly(multipartForms({ limit: '8mb' })));
  shell.use(bodyAsObject);
  shell.use(checkFormOrigin(ctx));
  shell.use(staffLayout(ctx));
  return shell;
}

/** Runs `parser` only for a colleague whose session is live and whose roles open the finance area. */
function financeOnly(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (res.locals.staff && mayOpen(res.locals.staff, 'finance') ? parser(req, res, next) : next());
}

// Express 5 leaves req.body undefined when the content type is not a form; the staff routes read it as an object.
function bodyAsObject(req: Request, _res: Response, next: NextFunction) {
  req.body ??= {};
  next();
}

function checkFormOrigin(ctx: AppContext) {
  const csrf = formProtection(staffForms(ctx));
  return (req: Request, res: Response, next: NextFunction) => {
    // The queue dashboard's own scripts call its JSON API and carry no form token. What they do carry is
    // what a browser adds to every script's request, and no page of another origin (another port of the
    // same host included) can forge: Sec-Fetch-Site, or failing that Origin.
    if (!req.path.startsWith('/queues/api/')) return csrf(req, res, next);
    if (req.method === 'GET' || req.method === 'HEAD' || fromOurOrigin(ctx, req)) return next();
    next(new AppError(403, 'csrf_failed', say(res, 'staff.queues.notFromDashboard')));
  };
}

function fromOurOrigin(ctx: AppContext, req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  const ours = siteUrlFor(ctx.config, req);
  return origin !== undefined && URL.canParse(ours) && origin === new URL(ours).origin;
}

const staffLayout = (ctx: AppContext) => (req: Request, res: Response, next: NextFunction) => {
  res.locals.layout = 'staff';
  // A colleague's own choice of language outranks the browser's; without one, the site's negotiation stands.
  const chosen = locales.find((code) => code === res.locals.staff?.locale);
  if (chosen) res.locals.locale = chosen;
  // After a refused form the page's address is the form's, not one to come back to.
  res.locals.staffLanguages = staffLanguages(res.locals.staff, localeOf(res), req.method === 'GET' ? req.originalUrl : '/staff');
  res.locals.staffNav = staffNav(res.locals.staff, localeOf(res));
  res.set('Cache-Control', 'private, no-store');
  next();
};
