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
import { changeRoles, inviteByEmail, isStaffRole, setDisabled, type InviteOutcome } from './members';
import { auditView } from './audit.view';
import { roleList, teamView, type RowProblem } from './staff.view';
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

async function renderTeam(ctx: AppContext, res: Response, extra: Record<string, unknown> = {}, status = 200, problem?: RowProblem) {
  const members = await listStaffMembers(ctx.db);
  res.status(status).render('staff/team', { title: say(res, 'staff.team.heading'), ...teamView(members, localeOf(res), undefined, problem), ...extra });
}

/** A change to one colleague refused: the page again, the reason in that colleague's row. */
const refuseInRow = (ctx: AppContext, res: Response, problem: RowProblem) => renderTeam(ctx, res, {}, 422, problem);

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
  const invited = await inviteByEmail(ctx, { name, email, roles }, res.locals.staff!.id, localeOf(res));
  if (invited.kind === 'disabled') return renderTeam(ctx, res, { errors: true, errorList: [say(res, 'staff.team.accountDisabled')], values: { name, email } }, 409);
  const invitedLink = 'token' in invited ? `${siteUrlFor(ctx.config, req)}/staff/password/${invited.token}` : undefined;
  await renderTeam(ctx, res, { inviteNote: inviteNote(res, email, invited), invitedLink });
};

/** What inviting did, said plainly: a new invitation, a repeated one, or roles given to someone already here. */
function inviteNote(res: Response, email: string, invited: Exclude<InviteOutcome, { kind: 'disabled' }>): string {
  if (invited.kind === 'invited') return say(res, 'staff.team.invitationSent', { email });
  const locale = localeOf(res);
  const change = { email, before: roleList(locale, invited.roles.before), after: roleList(locale, invited.roles.after) };
  const changed = invited.roles.after.length !== invited.roles.before.length;
  if (invited.kind === 'invited again') return say(res, changed ? 'staff.team.alreadyInvitedRolesUpdated' : 'staff.team.alreadyInvited', change);
  return say(res, changed ? 'staff.team.alreadyMemberRolesUpdated' : 'staff.team.alreadyMemberUnchanged', change);
}

const changeColleagueRoles = (ctx: AppContext) => async (req: Request, res: Response) => {
  const staffId = await colleagueId(ctx, res, req.params.id);
  const roles = rolesFrom(req.body);
  const refuse = (message: string) => refuseInRow(ctx, res, { staffId, action: 'roles', message, chosenRoles: roles });
  if (roles.length === 0) return refuse(say(res, 'staff.team.keepOneRole'));
  if (staffId === res.locals.staff!.id && !roles.includes('admin')) return refuse(say(res, 'staff.team.keepAdmin'));
  await changeRoles(ctx.db, staffId, roles, res.locals.staff!.id);
  res.redirect(303, '/staff/team');
};

const setColleagueDisabled = (ctx: AppContext, disabled: boolean) => async (req: Request, res: Response) => {
  const staffId = await colleagueId(ctx, res, req.params.id);
  if (staffId === res.locals.staff!.id) return refuseInRow(ctx, res, { staffId, action: 'status', message: say(res, 'staff.team.disableSelf') });
  await setDisabled(ctx.db, staffId, disabled, res.locals.staff!.id);
  res.redirect(303, '/staff/team');
};

const showAuditLog = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const entries = await listRecentAuditEntries(ctx.db, auditEntriesShown);
  res.render('staff/audit', { title: say(res, 'staff.audit.heading'), entries: auditView(entries, localeOf(res)) });
};
