// Events: a snapshot of an object at the moment something happened to it.
import Stripe from 'stripe';
import { newId } from './ids';
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
