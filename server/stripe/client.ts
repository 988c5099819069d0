// The one place a Stripe client is made: real Stripe, or any host STRIPE_API_URL names (the local emulator).
// Every call goes through the shared budget (budget.ts) before it leaves, and a 429 Stripe still sends to
// background work is tried again after a pause; stripe-node itself never retries a 429.
import Stripe from 'stripe';
import type { Logger } from '../logger';
import { withinMs } from '../queues';
import { donorOperations } from './budget-limits';
import { currentDonorLine, type StripeBudget } from './budget';
import { stripeOperation } from './operations';

/** What a call refused by the budget answers with, so callers can tell it from Stripe's own 429. */
export const budgetBusyHeader = 'smilefund-budget';

/** How long background work waits for a slot before giving up (its job is then delayed, not failed). */
const backgroundWaitCapMs = 30_000;
/** A 429 from Stripe to background work is tried this many more times, after 0.5, 1, 2, 4, 8 s or so. */
const rateLimitRetries = 5;
const firstRetryMs = 500;
const longestRetryMs = 8_000;
/** A budget Redis does not answer within this lets the call through: Stripe's own limits still hold. */
const budgetAnswerMs = 1_000;

export interface StripeClientOptions {
  budget?: StripeBudget;
  /** Where each answer is counted (server/metrics): Stripe's 429s among them. */
  metrics?: { countStripeResponse(operation: string, status: number): void };
  logger?: Pick<Logger, 'warn'>;
  /** Source of the retries' jitter; a seeded one makes runs repeatable. */
  random?: () => number;
}

type Response = Stripe.HttpClientResponse;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A 429 shaped as Stripe's, for a call the budget held back: stripe-node turns it into a StripeRateLimitError. */
function busyResponse(operation: string, retryInMs: number): Response {
  const headers = { [budgetBusyHeader]: 'busy', 'retry-after': String(Math.max(1, Math.ceil(retryInMs / 1000))) };
  const body = { error: { type: 'invalid_request_error', code: 'rate_limit', message: `No slot in the Stripe budget for ${operation} right now; try again shortly.` } };
  return {
    getStatusCode: () => 429,
    getHeaders: () => headers,
    getRawResponse: () => ({}),
    toStream: () => {
      throw new Error('a budget refusal has no stream');
    },
    toJSON: async () => body,
  };
}

/** Whether stripe-node's error is a refusal for want of a slot in our budget, rather than Stripe's own 429. */
export function isBudgetRefusal(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeRateLimitError && error.headers?.[budgetBusyHeader] === 'busy';
}

/** Drops a response we will not read, so its socket goes back to the pool. */
function discard(response: Response): void {
  if (response.dispose) response.dispose();
  else void Promise.resolve(response.toJSON()).catch(() => undefined);
}

function budgetedHttpClient(inner: Stripe.HttpClient, { budget, metrics, logger, random = Math.random }: StripeClientOptions): Stripe.HttpClient {
  let warnedRedis = false;
  const take = async (operation: string, priority: 'donor' | 'background', line: string | undefined) => {
    try {
      return await withinMs(budget!.take(operation, priority, line), budgetAnswerMs, 'take a Stripe budget slot: Redis did not answer');
    } catch (error) {
      if (!warnedRedis) logger?.warn({ err: error }, 'stripe budget: Redis did not answer; calls go to Stripe unbudgeted meanwhile');
      warnedRedis = true;
      return { taken: true as const, waitedMs: undefined };
    }
  };

  /** A slot for background work: waits for one, up to the cap; undefined when none came. */
  const backgroundSlot = async (operation: string): Promise<number | undefined> => {
    const deadline = performance.now() + backgroundWaitCapMs;
    for (;;) {
      const answer = await take(operation, 'background', undefined);
      if (answer.taken) return undefined;
      const left = deadline - performance.now();
      if (left <= 0) return answer.retryInMs;
      // A little jitter, so processes that were refused together do not all come back in the same millisecond.
      await sleep(Math.min(left, answer.retryInMs + random() * 20));
    }
  };

  return {
    getClientName: () => `budgeted-${inner.getClientName()}`,
    async makeRequest(host, port, path, method, headers, requestData, protocol, timeout) {
      const send = async () => {
        const response = await inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
        metrics?.countStripeResponse(operation, response.getStatusCode());
        return response;
      };
      const operation = stripeOperation(method, path);
      if (!budget) return send();
      if (donorOperations.has(operation)) {
        // A donor is never kept waiting long on a spinning request: a slot now (or within their short hold,
        // when the few donors ahead of them will have had theirs by then), else the waiting page.
        const line = currentDonorLine();
        let answer = await take(operation, 'donor', line?.id);
        while (!answer.taken && line?.holdUntil !== undefined) {
          const slotsNeeded = answer.ahead + 1;
          const perSecond = budget.perSecond(operation);
          const expectedMs = (slotsNeeded / perSecond) * 1000;
          const left = line.holdUntil - performance.now();
          if (expectedMs > left || answer.retryInMs > left) break;
          await sleep(Math.max(answer.retryInMs, 50, Math.min(expectedMs / 2, 250)) + random() * 20);
          answer = await take(operation, 'donor', line.id);
        }
        if (!answer.taken) return busyResponse(operation, answer.retryInMs);
        if (line && answer.waitedMs !== undefined) line.waitedMs = answer.waitedMs;
        return send();
      }
      for (let retry = 0; ; retry += 1) {
        const refusedFor = await backgroundSlot(operation);
        if (refusedFor !== undefined) return busyResponse(operation, refusedFor);
        const response = await send();
        if (response.getStatusCode() !== 429 || retry >= rateLimitRetries) return response;
        // Another account user, or clocks a little apart, tipped Stripe over: back off, with jitter, then queue for a slot again.
        discard(response);
        const retryAfter = Number(response.getHeaders()['retry-after']);
        const backoff = Math.min(longestRetryMs, firstRetryMs * 2 ** retry) * (0.5 + random() / 2);
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.max(backoff, retryAfter * 1000) : backoff);
      }
    },
  };
}

export function createStripeClient({ secretKey, apiUrl }: { secretKey: string; apiUrl?: string }, options: StripeClientOptions = {}): Stripe {
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Smilefund' },
    httpClient: budgetedHttpClient(Stripe.createNodeHttpClient(), options),
  };
  if (apiUrl) {
    const url = new URL(apiUrl);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    Object.assign(config, { host: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol });
  }
  return new Stripe(secretKey, config);
}
