// The staff area's own pages: signing in and out, setting a password, the home page, the team and
// the audit log. Every staff request first passes through staffShell.
import cookieParser from 'cookie-parser';
import express, { Router, type Request, type Response } from 'express';
import { sql } from 'kysely';
import type { Db } from '../database';
import type { AppContext } from '../context';
import { formProtection, renewFormProtection, type FormProtection } from '../http/csrf';
import { AppError, NotFound, TooManyRequests } from '../http/errors';
import { areaRoles, loadStaff, mayOpen, requireArea, type StaffArea } from './access';
import { changeRoles, inviteStaff, isStaffRole, setDisabled, staffRoles } from './members';
import { hashPassword, passwordRules } from './passwords';
import { recordAudit } from './audit';
import { emailedLinkHours, endAllSessions, endSession, passwordLinkIsValid, requestEmailedPasswordLink, sessionCookie, sessionHours, startSession, usePasswordLink } from './sessions';
import { checkPassword, lockout, networkKey, rememberNetwork, withinSignInLimit } from './sign-in';
import { networkOf } from '../http/network';
import { serialId } from '../http/params';
import { oneLine } from '../http/text';

const areaLinks: Array<{ area: StaffArea; href: string; label: string; description: string }> = [
  { area: 'campaigns', href: '/staff/campaigns', label: 'Campaigns', description: 'Targets, dashboards and impact updates' },
  { area: 'finance', href: '/staff/finance', label: 'Finance', description: 'Gifts, refunds, offline gifts, payouts and reconciliation' },
  { area: 'team', href: '/staff/team', label: 'Team', description: 'Colleagues and their roles' },
  { area: 'audit', href: '/staff/audit', label: 'Audit log', description: 'Every change made by staff' },
  { area: 'queues', href: '/staff/queues', label: 'Queues', description: 'Background jobs, failures and retries' },
];

const roleLabels: Record<string, string> = { admin: 'Administrator', finance: 'Finance', campaign_manager: 'Campaign manager' };

const secureCookies = (ctx: AppContext) => ctx.config.baseUrl?.startsWith('https:') ?? false;

const staffForms = (ctx: AppContext): FormProtection => ({ secret: ctx.config.sessionSecret, secure: secureCookies(ctx), cookieName: 'sf_csrf', path: '/staff', sessionCookie });

/** What every /staff request passes through: cookies, form bodies, CSRF, who is signed in, the menu. */
export function staffShell(ctx: AppContext): Router {
  const shell = Router();
  const csrf = formProtection(staffForms(ctx));
  shell.use(cookieParser(), express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 200 }));
  // Express 5 leaves req.body undefined when the content type is not a form; the staff routes read it as an object.
  shell.use((req, _res, next) => {
    req.body ??= {};
    next();
  });
  shell.use((req, res, next) => {
    // The queue dashboard's own scripts call its JSON API and carry no form token. What they do carry is
    // what a browser adds to every script's request, and no page of another origin (another port of the
    // same host included) can forge: Sec-Fetch-Site, or failing that Origin.
    if (!req.path.startsWith('/queues/api/')) return csrf(req, res, next);
    if (req.method === 'GET' || req.method === 'HEAD' || fromOurOrigin(ctx, req)) return next();
    next(new AppError(403, 'csrf_failed', 'This request did not come from the queue dashboard. Please reload the dashboard and try again.'));
  });
  shell.use(loadStaff(ctx));
  shell.use((_req, res, next) => {
    const staff = res.locals.staff;
    res.locals.layout = 'staff';
    res.locals.staffNav = staff ? areaLinks.filter((link) => mayOpen(staff, link.area)) : [];
    res.set('Cache-Control', 'private, no-store');
    next();
  });
  return shell;
}

function fromOurOrigin(ctx: AppContext, req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  return origin !== undefined && origin === (ctx.config.baseUrl ? new URL(ctx.config.baseUrl).origin : `${req.protocol}://${req.get('host')}`);
}

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const emailProblem = 'Enter an email address like name@example.org.';

/** Sign-in and "can't sign in" share one allowance per network. */
async function refuseBusyNetwork(ctx: AppContext, network: string): Promise<void> {
  if (!(await withinSignInLimit(ctx.redis, ctx.config.redisPrefix, network))) {
    throw new TooManyRequests('Too many sign-in attempts from this network. Please wait five minutes and try again.');
  }
}

/** The colleague a path's :id names, or a 404. */
async function colleagueId(db: Db, id: unknown): Promise<number> {
  const staffId = serialId(id);
  const colleague = staffId === undefined ? undefined : await db.selectFrom('staff_members').select('id').where('id', '=', staffId).executeTakeFirst();
  if (!colleague) throw new NotFound('There is no such colleague.');
  return colleague.id;
}

function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/staff(\/[\w\-./?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/staff';
}

/** Signs this browser in: a session signed in over another one ends it, and the form tokens start afresh. */
async function openSession(ctx: AppContext, req: Request, res: Response, staffId: number) {
  const previous = req.cookies?.[sessionCookie];
  if (typeof previous === 'string') await endSession(ctx.db, previous);
  res.cookie(sessionCookie, await startSession(ctx.db, staffId, req.get('user-agent')), { httpOnly: true, sameSite: 'lax', secure: secureCookies(ctx), path: '/staff', maxAge: sessionHours * 3600_000 });
  renewFormProtection(res, staffForms(ctx));
}

function closeSession(ctx: AppContext, res: Response) {
  renewFormProtection(res, staffForms(ctx));
  res.clearCookie(sessionCookie, { path: '/staff' }).redirect(303, '/staff/sign-in');
}

function rolesFrom(body: Request['body']) {
  const raw = body?.roles;
  return [...new Set([raw].flat().filter(isStaffRole))];
}

export function staffRoutes(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();

  router.get('/staff/sign-in', (req, res) => {
    if (res.locals.staff) return res.redirect(303, safeNext(req.query.next));
    res.render('staff/sign-in', { title: 'Sign in', next: safeNext(req.query.next) });
  });

  router.post('/staff/sign-in', async (req, res) => {
    const email = oneLine(req.body.email).slice(0, 254);
    const password = typeof req.body.password === 'string' ? req.body.password.slice(0, passwordRules.maxLength) : '';
    const network = networkOf(req.ip);
    await refuseBusyNetwork(ctx, network);
    const result = await checkPassword(db, email, password, networkKey(ctx.config.sessionSecret, network));
    if (!result.ok) {
      // Wrong and locked are answered alike, so the answer does not tell which addresses have accounts.
      const error = `That email and password do not match an account, or the account is locked on this network for ${lockout.perNetwork.minutes} minutes after repeated failures. If you cannot sign in, ask for a link by email below.`;
      res.status(401).render('staff/sign-in', { title: 'Sign in', error, email, next: safeNext(req.body.next) });
      return;
    }
    await openSession(ctx, req, res, result.staffId);
    res.redirect(303, safeNext(req.body.next));
  });

  router.get('/staff/sign-in/help', (_req, res) => {
    res.render('staff/sign-in-help', { title: 'Can’t sign in?', hours: emailedLinkHours });
  });

  // The same answer whether or not the address is a colleague's; the link goes only to the address itself.
  router.post('/staff/sign-in/help', async (req, res) => {
    const email = oneLine(req.body.email).slice(0, 254);
    if (!emailShape.test(email)) {
      return res.status(422).render('staff/sign-in-help', { title: 'Can’t sign in?', hours: emailedLinkHours, email, error: emailProblem });
    }
    await refuseBusyNetwork(ctx, networkOf(req.ip));
    await requestEmailedPasswordLink(ctx, email);
    res.render('staff/sign-in-help', { title: 'Can’t sign in?', hours: emailedLinkHours, sent: true, email });
  });

  router.post('/staff/sign-out', async (req, res) => {
    const token = req.cookies?.[sessionCookie];
    if (typeof token === 'string') await endSession(db, token);
    closeSession(ctx, res);
  });

  router.post('/staff/sign-out-everywhere', requireArea('home'), async (_req, res) => {
    await endAllSessions(db, res.locals.staff!.id);
    closeSession(ctx, res);
  });

  router.get('/staff/password/:token', async (req, res) => {
    const valid = await passwordLinkIsValid(db, req.params.token);
    res.status(valid ? 200 : 404).render('staff/set-password', { title: 'Choose your password', invalid: !valid, minLength: passwordRules.minLength });
  });

  router.post('/staff/password/:token', async (req, res) => {
    const password = typeof req.body.password === 'string' ? req.body.password : '';
    const problem =
      password.length < passwordRules.minLength
        ? `Use at least ${passwordRules.minLength} characters.`
        : password.length > passwordRules.maxLength
          ? `Use at most ${passwordRules.maxLength} characters.`
          : password !== req.body.confirm
            ? 'The two passwords are not the same.'
            : undefined;
    if (problem) {
      const valid = await passwordLinkIsValid(db, req.params.token);
      res.status(valid ? 422 : 404).render('staff/set-password', { title: 'Choose your password', invalid: !valid, minLength: passwordRules.minLength, errors: { password: problem } });
      return;
    }
    const passwordHash = await hashPassword(password);
    const staffId = await db.transaction().execute(async (trx) => {
      const id = await usePasswordLink(trx, req.params.token);
      if (id === undefined) return undefined;
      await trx.updateTable('staff_members').set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null, updated_at: sql`now()` }).where('id', '=', id).execute();
      // A new password ends every session the old one opened.
      await trx.deleteFrom('staff_sessions').where('staff_id', '=', id).execute();
      await recordAudit(trx, { staffId: id, action: 'staff.password_set', subjectType: 'staff_member', subjectId: id });
      return id;
    });
    if (staffId === undefined) throw new NotFound('This link has expired or has been used already. Ask an administrator for a new one.');
    // Whoever could open the link reads this person's email: the network they chose the password from is theirs.
    await rememberNetwork(db, staffId, networkKey(ctx.config.sessionSecret, networkOf(req.ip)));
    res.redirect(303, '/staff/sign-in');
  });

  router.get('/staff', requireArea('home'), (_req, res) => {
    res.render('staff/home', { title: 'Staff' });
  });

  async function renderTeam(res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const members = await db.selectFrom('staff_members').selectAll().orderBy('name').execute();
    const now = new Date();
    res.status(status).render('staff/team', {
      title: 'Team',
      members: members.map((m) => ({
        id: m.id,
        name: m.name,
        email: m.email,
        disabled: m.disabled_at !== null,
        lockedUntil: m.locked_until && m.locked_until > now ? m.locked_until : null,
        roleChoices: staffRoles.map((role) => ({ value: role, label: roleLabels[role], checked: m.roles.includes(role) })),
      })),
      inviteRoles: staffRoles.map((role) => ({ value: role, label: roleLabels[role], checked: false })),
      ...extra,
    });
  }

  router.get('/staff/team', requireArea('team'), (_req, res) => renderTeam(res));

  router.post('/staff/team', requireArea('team'), async (req, res) => {
    const name = oneLine(req.body.name);
    const email = oneLine(req.body.email);
    const roles = rolesFrom(req.body);
    const errors: string[] = [];
    if (name === '' || name.length > 100) errors.push('Enter their name (at most 100 characters).');
    if (!emailShape.test(email) || email.length > 254) errors.push(emailProblem);
    if (roles.length === 0) errors.push('Choose at least one role.');
    if (errors.length > 0) return renderTeam(res, { errors: true, errorList: errors, values: { name, email } }, 422);
    const invited = await inviteStaff(db, { name, email, roles }, res.locals.staff!.id);
    if (invited.kind === 'disabled') return renderTeam(res, { errors: true, errorList: ['This account is disabled; enable it first.'], values: { name, email } }, 409);
    await renderTeam(res, { invitedEmail: email, invitedLink: `${ctx.config.baseUrl ?? `${req.protocol}://${req.get('host')}`}/staff/password/${invited.token}` });
  });

  router.post('/staff/team/:id/roles', requireArea('team'), async (req, res) => {
    const staffId = await colleagueId(db, req.params.id);
    const roles = rolesFrom(req.body);
    if (roles.length === 0) return renderTeam(res, { errors: true, errorList: ['Keep at least one role, or disable the account instead.'] }, 422);
    if (staffId === res.locals.staff!.id && !roles.includes('admin')) {
      return renderTeam(res, { errors: true, errorList: ['You cannot take the administrator role from yourself; ask another administrator.'] }, 422);
    }
    await changeRoles(db, staffId, roles, res.locals.staff!.id);
    res.redirect(303, '/staff/team');
  });

  for (const action of ['disable', 'enable'] as const) {
    router.post(`/staff/team/:id/${action}`, requireArea('team'), async (req, res) => {
      const staffId = await colleagueId(db, req.params.id);
      if (staffId === res.locals.staff!.id) return renderTeam(res, { errors: true, errorList: ['You cannot disable your own account.'] }, 422);
      await setDisabled(db, staffId, action === 'disable', res.locals.staff!.id);
      res.redirect(303, '/staff/team');
    });
  }

  router.get('/staff/audit', requireArea('audit'), async (_req, res) => {
    const entries = await db
      .selectFrom('audit_log')
      .leftJoin('staff_members', 'staff_members.id', 'audit_log.staff_id')
      .select(['audit_log.at', 'audit_log.action', 'audit_log.subject_type', 'audit_log.subject_id', 'audit_log.before', 'audit_log.after', 'staff_members.name'])
      .orderBy('audit_log.id', 'desc')
      .limit(200)
      .execute();
    res.render('staff/audit', {
      title: 'Audit log',
      entries: entries.map((e) => ({
        at: e.at,
        who: e.name ?? 'command line',
        action: e.action,
        subject: `${e.subject_type} ${e.subject_id}`,
        before: e.before === null ? '' : JSON.stringify(e.before),
        after: e.after === null ? '' : JSON.stringify(e.after),
      })),
    });
  });

  return router;
}

export { areaRoles };
