// The BullMQ dashboard at /staff/queues, for admins: failed jobs can be inspected and retried there.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { Router } from 'express';
import { queueNames } from '../../jobs/queues';
import type { AppContext } from '../context';
import { requireArea } from './access';

export function queueDashboardRoutes(ctx: AppContext): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath('/staff/queues');
  createBullBoard({ queues: queueNames.map((name) => new BullMQAdapter(ctx.queues.queue(name))), serverAdapter: adapter });
  const router = Router();
  // The dashboard parses its JSON itself, at body-parser's default limit and with its own error shape; read
  // first here, with the limit said out loud, so that an oversized body gets our 413 and stable code.
  router.use('/staff/queues', requireArea('queues'), express.json({ limit: '100kb' }), adapter.getRouter() as Router);
  return router;
}
