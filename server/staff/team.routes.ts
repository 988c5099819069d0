// The staff area's team (inviting colleagues, their roles, disabling) and the audit log.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { serialId } from '../http/params';
import { siteUrlFor } from '../http/site-url';
import { emailShape, oneLine } from '../http/text';
import { requireArea } from './access';
import { listRecentAuditEntries } from './audit.repository';
import { findStaffId, listStaffMembers } from './member.repository';
import { changeRoles, inviteStaff, isStaffRole, setDisabled } from './members';
import { auditView, teamView } from './staff.view';
import { localeOf, say } from '../http/language';

const auditEntriesShown = 200;

export function teamRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/staff/team', requireArea('team'), (_req, res) => renderTeam(ctx, res));
  router.post('/staff/team', requireArea('team'), inviteColleague(ctx));
  router.post('/staff/team/:id/roles', requireArea('team'), changeColleagueRoles(ctx));
  router.post('/staff/team/:id/disable', requireArea('team'), setColleagueDisabled(ctx, true));
  router.post('/staff/team/:id/enable', requireArea('team'), setColleagueDisabled(ctx, false));
  router.get('/staff/audit', requireArea('audit'), showAuditLog(ctx));
  return router;
}

async function renderTeam(ctx: AppContext, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const members = await listStaffMembers(ctx.db);
  res.status(status).render('staff/team', { title: say(res, 'staff.team.heading'), ...teamView(members, localeOf(res)), ...extra });
}

const refuseOnTeamPage = (ctx: AppContext, res: Response, problem: string) => renderTeam(ctx, res, { errors: true, errorList: [problem] }, 422);

/** The colleague a path's :id names, or a 404. */
async function colleagueId(ctx: AppContext, res: Response, id: unknown): Promise<number> {
  const staffId = serialId(id);
  const found = staffId === undefined ? undefined : await findStaffId(ctx.db, staffId);
  if (found === undefined) throw new NotFound(say(res, 'staff.team.noSuchColleague'));
  return found;
}

function rolesFrom(body: Request['body']) {
  const raw = body?.roles;
  return [...new Set([raw].flat().filter(isStaffRole))];
}

const inviteColleague = (ctx: AppContext) => async (req: Request, res: Response) => {
  const name = oneLine(req.body.name);
  const email = oneLine(req.body.email);
  const roles = rolesFrom(req.body);
  const errors: string[] = [];
  if (name === '' || name.length > 100) errors.push(say(res, 'staff.team.nameProblem'));
  if (!emailShape.test(email) || email.length > 254) errors.push(say(res, 'staff.emailProblem'));
  if (roles.length === 0) errors.push(say(res, 'staff.team.rolesMissing'));
  if (errors.length > 0) return renderTeam(ctx, res, { errors: true, errorList: errors, values: { name, email } }, 422);
  const invited = await inviteStaff(ctx.db, { name, email, roles }, res.locals.staff!.id);
  if (invited.kind === 'disabled') return renderTeam(ctx, res, { errors: true, errorList: [say(res, 'staff.team.accountDisabled')], values: { name, email } }, 409);
  await renderTeam(ctx, res, { invitedEmail: email, invitedLink: `${siteUrlFor(ctx.config, req)}/staff/password/${invited.token}` });
};

const changeColleagueRoles = (ctx: AppContext) => async (req: Request, res: Response) => {
  const staffId = await colleagueId(ctx, res, req.params.id);
  const roles = rolesFrom(req.body);
  if (roles.length === 0) return refuseOnTeamPage(ctx, res, say(res, 'staff.team.keepOneRole'));
  if (staffId === res.locals.staff!.id && !roles.includes('admin')) return refuseOnTeamPage(ctx, res, say(res, 'staff.team.keepAdmin'));
  await changeRoles(ctx.db, staffId, roles, res.locals.staff!.id);
  res.redirect(303, '/staff/team');
};

const setColleagueDisabled = (ctx: AppContext, disabled: boolean) => async (req: Request, res: Response) => {
  const staffId = await colleagueId(ctx, res, req.params.id);
  if (staffId === res.locals.staff!.id) return refuseOnTeamPage(ctx, res, say(res, 'staff.team.disableSelf'));
  await setDisabled(ctx.db, staffId, disabled, res.locals.staff!.id);
  res.redirect(303, '/staff/team');
};

const showAuditLog = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const entries = await listRecentAuditEntries(ctx.db, auditEntriesShown);
  res.render('staff/audit', { title: say(res, 'staff.audit.heading'), entries: auditView(entries, localeOf(res)) });
};
