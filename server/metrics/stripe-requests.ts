// Stripe calls by operation, as Stripe limits them: every `GET /v1/payment_intents/{id}` counts against one limit.
import type Stripe from 'stripe';
import { stripeOperation } from '../stripe/operations';
import type { Metrics } from './metrics';

/** Counts every answer the client gets from Stripe (a call that never got one, such as a timeout, is not counted). */
export function countStripeRequests(stripe: Stripe, metrics: Pick<Metrics, 'countStripeResponse'>): void {
  stripe.on('response', (response: Stripe.ResponseEvent) => {
    if (response.method && response.path && response.status !== undefined) metrics.countStripeResponse(stripeOperation(response.method, response.path), response.status);
  });
}
