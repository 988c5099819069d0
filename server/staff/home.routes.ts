// The staff area's home page, which every staff role may open.
import { Router, type Request, type Response } from 'express';
import { say } from '../http/language';
import { requireArea } from './access';

export function staffHomeRoutes(): Router {
  const router = Router();
  router.get('/staff', requireArea('home'), showHome);
  return router;
}

function showHome(_req: Request, res: Response) {
  res.render('staff/home', { title: say(res, 'staff.home.title') });
}
