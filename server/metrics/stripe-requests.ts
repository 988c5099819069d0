// Stripe calls by operation, as Stripe limits them: every `GET /v1/payment_intents/{id}` counts against one limit.
import type Stripe from 'stripe';
import type { Metrics } from './metrics';

/**
 * `GET /v1/payment_intents/{id}` from `GET /v1/payment_intents/pi_3Abc?expand[]=latest_charge`. Beside the
 * version (v1), Stripe's resource and action names are lowercase words joined by underscores; its ids always
 * carry digits or capitals, so every other segment is an id (and a label never grows with the number of payments).
 */
export function stripeOperation(method: string, path: string): string {
  const segments = path.split('?')[0]!.split('/').map((segment) => (segment === '' || /^([a-z]+(_[a-z]+)*|v\d+)$/.test(segment) ? segment : '{id}'));
  return `${method.toUpperCase()} ${segments.join('/')}`;
}

/** Counts every answer the client gets from Stripe (a call that never got one, such as a timeout, is not counted). */
export function countStripeRequests(stripe: Stripe, metrics: Pick<Metrics, 'countStripeResponse'>): void {
  stripe.on('response', (response: Stripe.ResponseEvent) => {
    if (response.method && response.path && response.status !== undefined) metrics.countStripeResponse(stripeOperation(response.method, response.path), response.status);
  });
}
