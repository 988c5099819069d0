// GET /healthz: 200 while Postgres and Redis answer, 503 naming the ones that do not.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { checkHealth, failingServices } from './checks';

export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/healthz', reportHealth(ctx));
  return router;
}

const reportHealth = (ctx: AppContext) => async (_req: Request, res: Response) => {
  const report = await checkHealth(ctx);
  const failed = failingServices(report);
  res.set('Cache-Control', 'no-store');
  if (failed.length === 0) {
    res.json({ status: 'ok' });
    return;
  }
  ctx.logger.warn({ report }, 'healthz: failing');
  res.status(503).json({ status: 'unavailable', failed, checks: report });
};
