// What every /account request passes through before its route: cookies, form bodies, CSRF and the
// signed-in donor; and the form protection the sign-in routes renew.
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { secureCookies } from '../config';
import type { AppContext } from '../context';
import { formProtection, type FormProtection } from '../http/csrf';
import { donorForSession, donorSessionCookie, type SignedInDonor } from './sessions';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The donor signed in to /account, when one is. */
      donor?: SignedInDonor;
    }
  }
}

export const accountForms = (ctx: Pick<AppContext, 'config'>): FormProtection => ({
  secret: ctx.config.sessionSecret,
  secure: secureCookies(ctx.config),
  cookieName: 'sf_account_csrf',
  path: '/account',
  sessionCookie: donorSessionCookie,
});

export function accountShell(ctx: AppContext): RequestHandler[] {
  const loadDonor = async (req: Request, res: Response, next: NextFunction) => {
    const token = req.cookies?.[donorSessionCookie];
    if (typeof token === 'string') res.locals.donor = await donorForSession(ctx.db, token);
    res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
    next();
  };
  return [cookieParser(), express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }), formProtection(accountForms(ctx)), loadDonor];
}

/** The signed-in donor, or a trip back to the sign-in page. */
export function signedIn(res: Response): SignedInDonor | undefined {
  if (res.locals.donor) return res.locals.donor;
  res.redirect(303, '/account');
  return undefined;
}
