// Signing in to the donor account by an emailed link, and out again.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { renewFormProtection } from '../http/csrf';
import { networkOf } from '../http/network';
import { oneLine } from '../http/text';
import { donorSessionCookie, donorSessionHours, endDonorSession, startDonorSession } from './sessions';
import { requestSignInLink, signInLinkIsValid, useSignInLink, withinSignInLimits } from './sign-in-links';
import { accountForms } from './shell';
import { secureCookies } from '../config';
import { localeOf, say } from '../http/language';

const emailSchema = z.email();

export function accountSignInRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/account/sign-in', askForSignInLink(ctx));
  router.get('/account/sign-in/:token', showSignInConfirmation(ctx));
  router.post('/account/sign-in/:token', signInByLink(ctx));
  router.post('/account/sign-out', signOut(ctx));
  return router;
}

// The answer is the same page, with the same status, whether or not the address ever gave.
const askForSignInLink = (ctx: AppContext) => async (req: Request, res: Response) => {
  const email = oneLine(req.body?.email).slice(0, 254);
  const title = say(res, 'account.signIn.heading');
  if (email === '' || !emailSchema.safeParse(email).success) {
    res.status(422).render('donors/sign-in', { title, email, emailError: say(res, email === '' ? 'account.signIn.emailMissing' : 'account.signIn.emailInvalid') });
    return;
  }
  if (!(await withinSignInLimits(ctx, email, networkOf(req.ip)))) {
    res.status(429).render('donors/sign-in', { title, email, error: say(res, 'account.signIn.tooMany') });
    return;
  }
  await requestSignInLink(ctx, email, localeOf(res));
  res.render('donors/check-email', { title: say(res, 'account.checkEmail.heading'), email });
};

const showSignInConfirmation = (ctx: AppContext) => async (req: Request, res: Response) => {
  const token = String(req.params.token);
  const valid = await signInLinkIsValid(ctx.db, token);
  res.status(valid ? 200 : 410).render('donors/confirm', {
    title: say(res, valid ? 'account.confirm.heading' : 'account.linkInvalid.heading'),
    invalid: !valid,
    action: `/account/sign-in/${token}`,
  });
};

const signInByLink = (ctx: AppContext) => async (req: Request, res: Response) => {
  const donorId = await useSignInLink(ctx.db, String(req.params.token));
  if (donorId === undefined) {
    res.status(410).render('donors/confirm', { title: say(res, 'account.linkInvalid.heading'), invalid: true });
    return;
  }
  // A session already open in this browser (perhaps another donor's) ends first.
  const previous = req.cookies?.[donorSessionCookie];
  if (typeof previous === 'string') await endDonorSession(ctx.db, previous);
  const token = await startDonorSession(ctx.db, donorId, req.get('user-agent'));
  res.cookie(donorSessionCookie, token, { httpOnly: true, sameSite: 'lax', secure: secureCookies(ctx.config), path: '/account', maxAge: donorSessionHours * 3600_000 });
  renewFormProtection(res, accountForms(ctx));
  res.redirect(303, '/account');
};

const signOut = (ctx: AppContext) => async (req: Request, res: Response) => {
  const token = req.cookies?.[donorSessionCookie];
  if (typeof token === 'string') await endDonorSession(ctx.db, token);
  renewFormProtection(res, accountForms(ctx));
  res.clearCookie(donorSessionCookie, { path: '/account', httpOnly: true, sameSite: 'lax', secure: secureCookies(ctx.config) }).redirect(303, '/account');
};
