import { Router } from 'express';
import type { AppContext } from '../context';
import { checkHealth, failingServices } from './checks';

export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const report = await checkHealth(ctx);
    const failed = failingServices(report);
    res.set('Cache-Control', 'no-store');
    if (failed.length === 0) {
      res.json({ status: 'ok' });
      return;
    }
    ctx.logger.warn({ report }, 'healthz: failing');
    res.status(503).json({ status: 'unavailable', failed, checks: report });
  });
  return router;
}
