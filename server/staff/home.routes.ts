// The staff area's home page, which every staff role may open, and each colleague's choice of language.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { say } from '../http/language';
import { locales } from '../locale';
import { requireArea, safeNext } from './access';
import { chooseLanguage } from './members';

export function staffHomeRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/staff', requireArea('home'), showHome);
  router.post('/staff/language', requireArea('home'), chooseStaffLanguage(ctx));
  return router;
}

function showHome(_req: Request, res: Response) {
  res.render('staff/home', { title: say(res, 'staff.home.title') });
}

/** "browser" clears the choice; an unknown value is refused rather than guessed at. */
const chooseStaffLanguage = (ctx: AppContext) => async (req: Request, res: Response) => {
  const asked: unknown = req.body.locale;
  const locale = asked === 'browser' ? null : locales.find((code) => code === asked);
  if (locale === undefined) return res.status(422).render('staff/home', { title: say(res, 'staff.home.title'), languageProblem: say(res, 'staff.language.unknown') });
  await chooseLanguage(ctx.db, res.locals.staff!.id, locale);
  res.redirect(303, safeNext(req.body.next));
};
