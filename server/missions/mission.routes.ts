// The public mission page: /missions/:slug.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { localeOf } from '../http/language';
import { translate } from '../i18n/messages';
import { readMissionPage } from './mission.view';

const showMission = (ctx: AppContext) => async (req: Request<{ slug: string }>, res: Response) => {
  const locale = localeOf(res);
  const page = await readMissionPage(ctx, req.params.slug, locale);
  if (!page) throw new NotFound(translate(locale, 'mission.notFound'));
  res.render('missions/show', page);
};

export function missionRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/missions/:slug', showMission(ctx));
  return router;
}
