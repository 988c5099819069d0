// Events listed newest first, as GET /v1/events serves them.
import { Router } from 'express';
import { z } from 'zod';
import type { Account } from './account';
import { listParams, paginate } from './lists';
import { expand, parseParams } from './params';
import { respond } from './responses';

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
    const events = account.store
      .all('event')
      .filter((event) => (params.type ? matchesType(event.type, params.type) : true))
      .filter((event) => (params.types ? params.types.some((type) => matchesType(event.type, type)) : true));
    respond(res, account, paginate(events, params, '/v1/events'), params.expand);
  });
  routes.get('/v1/events/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('event', req.params.id), params.expand);
  });
  return routes;
}
