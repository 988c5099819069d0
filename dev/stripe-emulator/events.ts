// Events listed newest first, as GET /v1/events serves them, and only for 30 days, as Stripe keeps them:
// whatever recovers missed webhooks from this list must not count on anything older.
import { Router } from 'express';
import { z } from 'zod';
import type { Account } from './account';
import { listParams, paginate } from './lists';
import { expand, parseParams } from './params';
import { respond } from './responses';
import { noSuch } from './errors';

const retainedSeconds = 30 * 24 * 60 * 60;

function matchesType(eventType: string, wanted: string): boolean {
  if (!wanted.includes('*')) return eventType === wanted;
  const pattern = new RegExp(`^${wanted.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return pattern.test(eventType);
}

const listEventsParams = listParams({
  type: z.string().optional(),
  types: z.array(z.string()).max(20).optional(),
});

export function eventRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/events', (req, res) => {
    const params = parseParams(listEventsParams, req.query);
    const since = account.store.now() - retainedSeconds;
    const events = account.store
      .all('event')
      .filter((event) => event.created >= since)
      .filter((event) => (params.type ? matchesType(event.type, params.type) : true))
      .filter((event) => (params.types ? params.types.some((type) => matchesType(event.type, type)) : true));
    respond(res, account, paginate(events, params, '/v1/events'), params.expand);
  });
  routes.get('/v1/events/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    const event = account.store.get('event', req.params.id);
    if (event.created < account.store.now() - retainedSeconds) throw noSuch('event', req.params.id);
    respond(res, account, event, params.expand);
  });
  return routes;
}
