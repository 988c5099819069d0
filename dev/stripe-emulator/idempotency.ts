// Idempotency-Key: the first response to a key is kept for a day and replayed for the same
// parameters; other parameters under the same key are an idempotency_error, as at Stripe.
import type { RequestHandler } from 'express';
import { StripeApiError } from './errors';

interface SavedResponse {
  fingerprint: string;
  status: number;
  body: unknown;
  requestId: string;
  savedAt: number;
}

const keptForMs = 24 * 60 * 60 * 1000;

export function idempotentReplays(): RequestHandler {
  const saved = new Map<string, SavedResponse>();
  const forget = (now: number) => {
    for (const [key, response] of saved) {
      if (now - response.savedAt < keptForMs) break;
      saved.delete(key);
    }
  };

  return (req, res, next) => {
    const key = req.get('Idempotency-Key');
    if (!key || (req.method !== 'POST' && req.method !== 'DELETE')) return next();
    forget(Date.now());
    const fingerprint = JSON.stringify([req.method, req.path, req.query, req.body ?? {}]);
    const prior = saved.get(key);
    if (prior) {
      if (prior.fingerprint !== fingerprint) {
        throw new StripeApiError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      res.set({ 'Idempotent-Replayed': 'true', 'Original-Request': prior.requestId });
      res.status(prior.status).json(prior.body);
      return;
    }
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      // The error handler marks parameter errors: Stripe keeps no result for a request that never ran.
      if (!res.locals.notRun) saved.set(key, { fingerprint, status: res.statusCode, body, requestId: String(res.locals.requestId), savedAt: Date.now() });
      return send(body);
    };
    next();
  };
}
