// Events: a snapshot of an object at the moment something happened to it, listed newest first.
import Stripe from 'stripe';
import { Router } from 'express';
import { z } from 'zod';
import type { Account } from './account';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { expand, parseParams } from './params';
import { respond } from './responses';
import type { Store, StripeObject } from './store';

function isHash(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Stripe's previous_attributes: the old value of each changed field, descending into plain hashes (metadata). */
export function previousAttributes(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[key];
    const now = after[key];
    if (sameJson(old, now)) continue;
    changes[key] = isHash(old) && isHash(now) && !('object' in old) ? previousAttributes(old, now) : (old ?? null);
  }
  return changes;
}

export function createEvent(store: Store, type: Stripe.Event.Type, object: StripeObject, request: Stripe.Event.Request, before?: StripeObject): Stripe.Event {
  const snapshot = structuredClone(object);
  const data = before
    ? { object: snapshot, previous_attributes: previousAttributes(before as unknown as Record<string, unknown>, snapshot as unknown as Record<string, unknown>) }
    : { object: snapshot };
  return {
    id: newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: store.now(),
    data,
    livemode: false,
    pending_webhooks: 0,
    request: { ...request },
    type,
  } as Stripe.Event;
}

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
