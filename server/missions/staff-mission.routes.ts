// Missions in the staff area, for campaign managers (and admins): the list, and the form to create or change one.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { localeOf } from '../http/language';
import { translate } from '../i18n/messages';
import { requireArea } from '../staff/access';
import type { Mission } from '../tables/missions.table';
import { blankMissionValues, missionFormValues, readMissionForm, valuesOfMission } from './mission-form';
import { findMissionBySlug, listMissionsWithRounds } from './mission.repository';
import { changeMission, createMission } from './mission-saving';
import { missionFormPageView, missionListView, slugTakenErrors, type MissionFormPage } from './staff-mission.view';

type SlugRequest = Request<{ slug: string }>;

async function missionOr404({ db }: AppContext, slug: string, res: Response): Promise<Mission> {
  const mission = await findMissionBySlug(db, slug);
  if (!mission) throw new NotFound(translate(localeOf(res), 'mission.notFound'));
  return mission;
}

function renderMissionForm(res: Response, page: MissionFormPage, status = 200) {
  res.status(status).render('missions/staff/form', missionFormPageView(page, localeOf(res)));
}

const listMissions = (ctx: AppContext) => async (req: Request, res: Response) => {
  const saved = typeof req.query.saved === 'string' ? await findMissionBySlug(ctx.db, req.query.saved) : undefined;
  res.render('missions/staff/list', missionListView(await listMissionsWithRounds(ctx.db), localeOf(res), saved));
};

const showNewMissionForm = () => (_req: Request, res: Response) => renderMissionForm(res, { values: blankMissionValues() });

const createMissionFromForm = (ctx: AppContext) => async (req: Request, res: Response) => {
  const locale = localeOf(res);
  const result = readMissionForm(req.body, locale);
  if (!result.ok) return renderMissionForm(res, { values: result.values, errors: result.errors }, 422);
  const saved = await createMission(ctx.db, result.input, res.locals.staff!.id);
  if (!saved.ok) return renderMissionForm(res, { values: missionFormValues(req.body), errors: slugTakenErrors(locale) }, 422);
  res.redirect(303, `/staff/missions?saved=${saved.mission.slug}`);
};

const showEditMissionForm = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const mission = await missionOr404(ctx, req.params.slug, res);
  renderMissionForm(res, { mission, values: valuesOfMission(mission) });
};

const saveMissionEdit = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const locale = localeOf(res);
  const mission = await missionOr404(ctx, req.params.slug, res);
  const result = readMissionForm(req.body, locale);
  if (!result.ok) return renderMissionForm(res, { mission, values: result.values, errors: result.errors }, 422);
  const saved = await changeMission(ctx.db, mission.id, result.input, res.locals.staff!.id);
  if (!saved.ok) return renderMissionForm(res, { mission, values: missionFormValues(req.body), errors: slugTakenErrors(locale) }, 422);
  res.redirect(303, `/staff/missions?saved=${saved.mission.slug}`);
};

export function staffMissionRoutes(ctx: AppContext): Router {
  const router = Router();
  const campaigns = requireArea('campaigns');
  router.get('/staff/missions', campaigns, listMissions(ctx));
  router.get('/staff/missions/new', campaigns, showNewMissionForm());
  router.post('/staff/missions', campaigns, createMissionFromForm(ctx));
  router.get('/staff/missions/:slug/edit', campaigns, showEditMissionForm(ctx));
  router.post('/staff/missions/:slug/edit', campaigns, saveMissionEdit(ctx));
  return router;
}
