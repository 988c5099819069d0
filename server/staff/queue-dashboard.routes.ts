// The BullMQ dashboard at /staff/queues, for admins: failed jobs can be inspected and retried there.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { Router, type RequestHandler } from 'express';
import { AppError } from '../http/errors';
import { translate } from '../i18n/messages';
import { queueNames } from '../queues';
import type { AppContext } from '../context';
import { requireArea } from './access';
import { localeOf } from '../http/language';

// The dashboard joins its validation messages with NUL and parses them back as JSON: a query value
// holding control characters breaks that parse into a 500. No job name, id or status contains one.
const refuseControlCharacters: RequestHandler = (req, res, next) => {
  const locale = localeOf(res);
  const query = req.originalUrl.split('?')[1] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    return next(new AppError(400, 'bad_request', translate(locale, 'staff.queues.unreadable')));
  }
  next(/[\u0000-\u001f\u007f]/.test(decoded) ? new AppError(400, 'bad_request', translate(locale, 'staff.queues.controlCharacters')) : undefined);
};

export function queueDashboardRoutes(ctx: AppContext): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath('/staff/queues');
  createBullBoard({ queues: queueNames.map((name) => new BullMQAdapter(ctx.queues.queue(name))), serverAdapter: adapter });
  const router = Router();
  // The dashboard parses its JSON itself, at body-parser's default limit and with its own error shape; read
  // first here, with the limit said out loud, so that an oversized body gets our 413 and stable code.
  router.use('/staff/queues', requireArea('queues'), express.json({ limit: '100kb' }), refuseControlCharacters, adapter.getRouter() as Router);
  return router;
}
