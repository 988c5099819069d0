// Stripe under load, by option: each API call answered after a network-like delay, and calls over
// Stripe's per-second limits refused with 429 as Stripe refuses them (docs.stripe.com/rate-limits).
// Only /v1 calls: hosted pages, /_emulator helpers and webhook deliveries are not Stripe's API.
import type { RequestHandler } from 'express';
import { StripeApiError } from './errors';
import { stripeOperation } from '../../server/stripe/operations';

export interface StripeRateLimits {
  /** Requests a second across the account. */
  global: number;
  /** Requests a second for each operation (method and path, ids left out) not named in `operations`. */
  perOperation: number;
  /** Limits Stripe set for single operations, e.g. { 'POST /v1/checkout/sessions': 100 } once raised. */
  operations?: Record<string, number>;
}

export interface StripeLoadOptions {
  /** Every API call waits mean ± jitter ms (uniformly) before it is handled; others go on meanwhile. */
  latencyMs?: { mean: number; jitter: number };
  /** 'live': 100/s global, 25/s per operation; 'sandbox': 25/s and 25/s; or the values Stripe granted. */
  limits?: 'live' | 'sandbox' | StripeRateLimits;
  /** Source of the jitter, default Math.random; a seeded one makes runs repeatable. */
  random?: () => number;
}

const defaultLimits: Record<'live' | 'sandbox', StripeRateLimits> = {
  live: { global: 100, perOperation: 25 },
  sandbox: { global: 25, perOperation: 25 },
};

/** Calls admitted within the last second of real time (the emulator's simulated clock plays no part). */
class OneSecondWindow {
  private readonly admitted: number[] = [];

  isFull(limit: number, now: number): boolean {
    while (this.admitted.length > 0 && now - this.admitted[0]! >= 1000) this.admitted.shift();
    return this.admitted.length >= limit;
  }

  admit(now: number): void {
    this.admitted.push(now);
  }
}

function rateLimited(): StripeApiError {
  return new StripeApiError(429, 'invalid_request_error', 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', {
    code: 'rate_limit',
  });
}

/** The limits `limits` stands for ('live' and 'sandbox' spelled out); none when calls are not limited. */
export function rateLimitsOf(limits: StripeLoadOptions['limits']): StripeRateLimits | undefined {
  return typeof limits === 'string' ? defaultLimits[limits] : limits;
}

/** An operation's own limit a second under `limits`. */
export function operationLimit(limits: StripeRateLimits, operation: string): number {
  return limits.operations?.[operation] ?? limits.perOperation;
}

/** API calls one operation received in one second of real time (Date.now() / 1000, floored). */
export interface StripeCallSecond {
  second: number;
  admitted: number;
  /** Refused with 429 by the limits. */
  refused: number;
}

/**
 * Every /v1 call by operation and second, read-only for whoever asks (a benchmark counting calls per gift
 * and each operation's peak against its limit). Seconds are epoch seconds, comparable across processes.
 */
export interface StripeCallLog {
  count(operation: string, refused: boolean, nowMs: number): void;
  /** Per operation, its seconds with calls, oldest first. */
  read(): Record<string, StripeCallSecond[]>;
}

export function createStripeCallLog(): StripeCallLog {
  const byOperation = new Map<string, Map<number, StripeCallSecond>>();
  return {
    count(operation, refused, nowMs) {
      const second = Math.floor(nowMs / 1000);
      let seconds = byOperation.get(operation);
      if (!seconds) byOperation.set(operation, (seconds = new Map()));
      let entry = seconds.get(second);
      if (!entry) seconds.set(second, (entry = { second, admitted: 0, refused: 0 }));
      if (refused) entry.refused += 1;
      else entry.admitted += 1;
    },
    read() {
      return Object.fromEntries([...byOperation].map(([operation, seconds]) => [operation, [...seconds.values()].map((entry) => ({ ...entry })).sort((a, b) => a.second - b.second)]));
    },
  };
}

/** Express middleware for the API; with no options it lets every call straight through (counting it in `calls`, if given). */
export function stripeLoad(options: StripeLoadOptions = {}, calls?: StripeCallLog): RequestHandler {
  const limits = rateLimitsOf(options.limits);
  const latency = options.latencyMs;
  const random = options.random ?? Math.random;
  const global = new OneSecondWindow();
  const perOperation = new Map<string, OneSecondWindow>();

  return (req, res, next) => {
    if (!req.path.startsWith('/v1/')) return next();
    let refusal: StripeApiError | undefined;
    const operation = limits || calls ? stripeOperation(req.method, req.path) : '';
    if (limits) {
      const now = performance.now();
      let window = perOperation.get(operation);
      if (!window) perOperation.set(operation, (window = new OneSecondWindow()));
      // A refused call uses up neither limit, as it did nothing.
      if (global.isFull(limits.global, now)) {
        res.set('Stripe-Rate-Limited-Reason', 'global-rate');
        refusal = rateLimited();
      } else if (window.isFull(operationLimit(limits, operation), now)) {
        res.set('Stripe-Rate-Limited-Reason', 'endpoint-rate');
        refusal = rateLimited();
      } else {
        global.admit(now);
        window.admit(now);
      }
    }
    calls?.count(operation, refusal !== undefined, Date.now());
    const delay = latency ? Math.max(0, latency.mean + (2 * random() - 1) * latency.jitter) : 0;
    if (delay > 0) setTimeout(() => next(refusal), delay);
    else next(refusal);
  };
}

/**
 * `npm start`'s reading of STRIPE_EMULATOR_LATENCY_MS (`mean,jitter`, e.g. `150,50`) and
 * STRIPE_EMULATOR_LIMITS (`live`, `sandbox`, or `global:100,op:25` with any `POST /v1/checkout/sessions:100`).
 */
export function stripeLoadFromEnv(env: NodeJS.ProcessEnv): StripeLoadOptions | undefined {
  const latencyText = env.STRIPE_EMULATOR_LATENCY_MS?.trim();
  const limitsText = env.STRIPE_EMULATOR_LIMITS?.trim();
  if (!latencyText && !limitsText) return undefined;
  const number = (text: string | undefined, name: string): number => {
    const value = Number(text);
    if (!text || !Number.isFinite(value) || value < 0) throw new Error(`${name}: "${text ?? ''}" is not a number of 0 or more`);
    return value;
  };

  const load: StripeLoadOptions = {};
  if (latencyText) {
    const [mean, jitter] = latencyText.split(',');
    load.latencyMs = { mean: number(mean, 'STRIPE_EMULATOR_LATENCY_MS'), jitter: jitter === undefined ? 0 : number(jitter, 'STRIPE_EMULATOR_LATENCY_MS') };
  }
  if (limitsText === 'live' || limitsText === 'sandbox') load.limits = limitsText;
  else if (limitsText) {
    const operations: Record<string, number> = {};
    const limits: StripeRateLimits = { ...defaultLimits.live, operations };
    for (const part of limitsText.split(',')) {
      const colon = part.lastIndexOf(':');
      const key = part.slice(0, colon).trim();
      const value = number(part.slice(colon + 1).trim(), `STRIPE_EMULATOR_LIMITS (${part.trim()})`);
      if (key === 'global') limits.global = value;
      else if (key === 'op') limits.perOperation = value;
      else if (/^(GET|POST|DELETE) \/v1\//.test(key)) operations[key] = value;
      else throw new Error(`STRIPE_EMULATOR_LIMITS: "${part.trim()}" is none of live, sandbox, global:N, op:N, "POST /v1/…:N"`);
    }
    load.limits = limits;
  }
  return load;
}
