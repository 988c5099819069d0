// Getting into the staff area: signing in and out, "can't sign in?", and choosing a password from a link.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { renewFormProtection } from '../http/csrf';
import { NotFound, TooManyRequests } from '../http/errors';
import { networkOf } from '../http/network';
import { emailShape, oneLine } from '../http/text';
import { requireArea, safeNext } from './access';
import { setPasswordByLink } from './members';
import { hashPassword, passwordRules } from './passwords';
import { emailedLinkHours, endAllSessions, endSession, passwordLinkIsValid, requestEmailedPasswordLink, sessionCookie, sessionHours, startSession } from './sessions';
import { checkPassword, lockout, networkKey, withinSignInLimit } from './sign-in';
import { markNetworkSignedIn } from './sign-in.repository';
import { staffForms } from './shell';
import { secureCookies } from '../config';
import { localeOf, say } from '../http/language';

export function signInRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/staff/sign-in', showSignIn);
  router.post('/staff/sign-in', signIn(ctx));
  router.get('/staff/sign-in/help', showSignInHelp);
  router.post('/staff/sign-in/help', askForPasswordLink(ctx));
  router.post('/staff/sign-out', signOut(ctx));
  router.post('/staff/sign-out-everywhere', requireArea('home'), signOutEverywhere(ctx));
  router.get('/staff/password/:token', showPasswordForm(ctx));
  router.post('/staff/password/:token', choosePassword(ctx));
  return router;
}

/** Sign-in and "can't sign in" share one allowance per network. */
async function refuseBusyNetwork(ctx: AppContext, res: Response, network: string): Promise<void> {
  if (!(await withinSignInLimit(ctx.redis, ctx.config.redisPrefix, network))) throw new TooManyRequests(say(res, 'staff.signIn.tooMany'));
}

/** Signs this browser in: a session signed in over another one ends it, and the form tokens start afresh. */
async function openSession(ctx: AppContext, req: Request, res: Response, staffId: number) {
  const previous = req.cookies?.[sessionCookie];
  if (typeof previous === 'string') await endSession(ctx.db, previous);
  res.cookie(sessionCookie, await startSession(ctx.db, staffId, req.get('user-agent')), { httpOnly: true, sameSite: 'lax', secure: secureCookies(ctx.config), path: '/staff', maxAge: sessionHours * 3600_000 });
  renewFormProtection(res, staffForms(ctx));
}

function closeSession(ctx: AppContext, res: Response) {
  renewFormProtection(res, staffForms(ctx));
  res.clearCookie(sessionCookie, { path: '/staff' }).redirect(303, '/staff/sign-in');
}

function showSignIn(req: Request, res: Response) {
  if (res.locals.staff) return res.redirect(303, safeNext(req.query.next));
  res.render('staff/sign-in', { title: say(res, 'staff.signIn.heading'), next: safeNext(req.query.next) });
}

const signIn = (ctx: AppContext) => async (req: Request, res: Response) => {
  const email = oneLine(req.body.email).slice(0, 254);
  const password = typeof req.body.password === 'string' ? req.body.password.slice(0, passwordRules.maxLength) : '';
  const network = networkOf(req.ip);
  await refuseBusyNetwork(ctx, res, network);
  const result = await checkPassword(ctx.db, email, password, networkKey(ctx.config.sessionSecret, network));
  if (!result.ok) {
    // Wrong and locked are answered alike, so the answer does not tell which addresses have accounts.
    const error = say(res, 'staff.signIn.failed', { minutes: lockout.perNetwork.minutes });
    res.status(401).render('staff/sign-in', { title: say(res, 'staff.signIn.heading'), error, email, next: safeNext(req.body.next) });
    return;
  }
  await openSession(ctx, req, res, result.staffId);
  res.redirect(303, safeNext(req.body.next));
};

function showSignInHelp(_req: Request, res: Response) {
  res.render('staff/sign-in-help', { title: say(res, 'staff.signInHelp.heading'), hours: emailedLinkHours });
}

// The same answer whether or not the address is a colleague's; the link goes only to the address itself.
const askForPasswordLink = (ctx: AppContext) => async (req: Request, res: Response) => {
  const email = oneLine(req.body.email).slice(0, 254);
  const title = say(res, 'staff.signInHelp.heading');
  if (!emailShape.test(email)) {
    return res.status(422).render('staff/sign-in-help', { title, hours: emailedLinkHours, email, error: say(res, 'staff.emailProblem') });
  }
  await refuseBusyNetwork(ctx, res, networkOf(req.ip));
  await requestEmailedPasswordLink(ctx, email, localeOf(res));
  res.render('staff/sign-in-help', { title, hours: emailedLinkHours, sent: true, email });
};

const signOut = (ctx: AppContext) => async (req: Request, res: Response) => {
  const token = req.cookies?.[sessionCookie];
  if (typeof token === 'string') await endSession(ctx.db, token);
  closeSession(ctx, res);
};

const signOutEverywhere = (ctx: AppContext) => async (_req: Request, res: Response) => {
  await endAllSessions(ctx.db, res.locals.staff!.id);
  closeSession(ctx, res);
};

async function renderPasswordForm(ctx: AppContext, req: Request, res: Response, problem?: string) {
  const valid = await passwordLinkIsValid(ctx.db, String(req.params.token));
  const status = !valid ? 404 : problem ? 422 : 200;
  res.status(status).render('staff/set-password', { title: say(res, 'staff.setPassword.heading'), invalid: !valid, minLength: passwordRules.minLength, ...(problem ? { errors: { password: problem } } : {}) });
}

const showPasswordForm = (ctx: AppContext) => (req: Request, res: Response) => renderPasswordForm(ctx, req, res);

function passwordProblem(res: Response, password: string, confirm: unknown): string | undefined {
  if (password.length < passwordRules.minLength) return say(res, 'staff.setPassword.tooShort', { minLength: passwordRules.minLength });
  if (password.length > passwordRules.maxLength) return say(res, 'staff.setPassword.tooLong', { maxLength: passwordRules.maxLength });
  if (password !== confirm) return say(res, 'staff.setPassword.mismatch');
  return undefined;
}

const choosePassword = (ctx: AppContext) => async (req: Request, res: Response) => {
  const password = typeof req.body.password === 'string' ? req.body.password : '';
  const problem = passwordProblem(res, password, req.body.confirm);
  if (problem) return renderPasswordForm(ctx, req, res, problem);
  const staffId = await setPasswordByLink(ctx.db, String(req.params.token), await hashPassword(password));
  if (staffId === undefined) throw new NotFound(say(res, 'staff.setPassword.invalid'));
  // Whoever could open the link reads this person's email: the network they chose the password from is theirs.
  await markNetworkSignedIn(ctx.db, staffId, networkKey(ctx.config.sessionSecret, networkOf(req.ip)));
  res.redirect(303, '/staff/sign-in');
};
