// Webhook delivery: each event POSTed as JSON with a Stripe-Signature header and retried on a schedule after
// a failed attempt. By default one at a time in the order they were created, which tests can reason about;
// `delivery` makes it what Stripe promises instead: several in flight, in no set order, some sent twice.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type Stripe from 'stripe';
import { noSuch } from './errors';
import type { Store } from './store';

export type ReleaseOrder = 'created' | 'reverse' | 'shuffle';

export interface WebhookDelivery {
  url(): string | undefined;
  setUrl(url: string | undefined): void;
  /** Queues a new event; returns how many endpoints will receive it (Stripe's pending_webhooks). */
  deliver(event: Stripe.Event): number;
  settled(): Promise<void>;
  hold(): void;
  release(order?: ReleaseOrder): Promise<void>;
  /** Removes held events (of one type, if named) from the queue and returns them, undelivered, oldest first. */
  take(type?: string): Stripe.Event[];
  resend(eventId: string): Promise<void>;
  /** Deliveries not yet answered 2xx: waiting their turn, in flight, or waiting to be retried. */
  waiting(): number;
  stop(): void;
}

/**
 * How events go out. Stripe guarantees neither order nor exactly-once delivery (docs.stripe.com/webhooks:
 * "Event ordering", "Handle duplicate events"), and it sends many at once.
 */
export interface DeliveryOptions {
  /** Deliveries in flight at once; default 1. */
  concurrency?: number;
  /** Pick the next event at random from those waiting, instead of the oldest; default false. */
  disorder?: boolean;
  /** Probability (0..1) that an event delivered successfully is sent once more, with the same id; default 0. */
  duplicates?: number;
  /** Replaces Math.random for disorder and duplicates, so a test can make them certain. */
  random?: () => number;
}

/** What `npm start` uses unless STRIPE_EMULATOR_DELIVERY=ordered: Stripe as it is. */
export const stripeLikeDelivery: DeliveryOptions = { concurrency: 8, disorder: true, duplicates: 0.1 };

/** STRIPE_EMULATOR_DELIVERY: `stripe` (the default) or `ordered` (one at a time, oldest first, once). */
export function deliveryFromEnv(env: NodeJS.ProcessEnv): DeliveryOptions | undefined {
  const value = (env.STRIPE_EMULATOR_DELIVERY ?? '').trim().toLowerCase();
  if (value === '' || value === 'stripe') return stripeLikeDelivery;
  if (value === 'ordered') return undefined;
  throw new Error(`STRIPE_EMULATOR_DELIVERY must be "stripe" or "ordered", not "${env.STRIPE_EMULATOR_DELIVERY}"`);
}

export interface WebhookOptions {
  url?: string;
  secret: string;
  retryDelaysMs: number[];
  delivery?: DeliveryOptions;
}

/**
 * Stripe's scheme: v1 is the hex HMAC-SHA256 of "timestamp.payload", keyed with the whole whsec_ secret.
 * Timed by the real clock, as Stripe's are: the receiver checks it against its own.
 */
export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

interface Waiter {
  ids: Set<string>;
  resolve(): void;
  reject(error: Error): void;
}

/** POSTs once on a connection of its own, so no pooled socket outlives stop(). */
function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: false, signal, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out after 10 s')));
    request.on('error', reject);
    request.end(body);
  });
}

function shuffled<T>(items: T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

export function createWebhookDelivery(store: Store, options: WebhookOptions): WebhookDelivery {
  let endpoint = options.url;
  let held = false;
  let stopped = false;
  const concurrency = Math.max(1, Math.floor(options.delivery?.concurrency ?? 1));
  const disorder = options.delivery?.disorder ?? false;
  const duplicates = options.delivery?.duplicates ?? 0;
  const random = options.delivery?.random ?? Math.random;
  let sending = 0;
  const queue: string[] = [];
  /** Events already sent a second time: Stripe's duplicates are occasional, not endless. */
  const duplicated = new Set<string>();
  const unsettled = new Set<string>();
  const attempts = new Map<string, number>();
  const retries = new Map<string, NodeJS.Timeout>();
  const failures = new Map<string, string>();
  let waiters: Waiter[] = [];
  const inFlight = new AbortController();

  const failureOf = (ids: Iterable<string>) => {
    for (const id of ids) {
      const reason = failures.get(id);
      if (reason) return new Error(`webhook for ${id} was not delivered: ${reason}`);
    }
    return undefined;
  };
  const checkWaiters = () => {
    waiters = waiters.filter((waiter) => {
      const failure = failureOf(waiter.ids);
      if (failure) waiter.reject(failure);
      else if ([...waiter.ids].some((id) => unsettled.has(id))) return true;
      else waiter.resolve();
      return false;
    });
  };
  const waitFor = (ids: Iterable<string>) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ ids: new Set(ids), resolve, reject });
      checkWaiters();
    });

  const settle = (id: string) => {
    unsettled.delete(id);
    attempts.delete(id);
    const event = store.find('event', id);
    if (event) event.pending_webhooks = 0;
  };

  const fail = (id: string, reason: string) => {
    const attempt = attempts.get(id) ?? 1;
    const delay = options.retryDelaysMs[attempt - 1];
    if (delay === undefined || stopped) {
      unsettled.delete(id);
      failures.set(id, `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (last: ${reason})`);
      return;
    }
    const timer = setTimeout(() => {
      retries.delete(id);
      queue.push(id);
      pump();
    }, delay);
    timer.unref();
    retries.set(id, timer);
  };

  const send = async (id: string) => {
    const event = store.find('event', id);
    const url = endpoint;
    if (!event || !url) return settle(id);
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    const payload = JSON.stringify(event, null, 2);
    // Signed with real time, not the emulator's clock: the receiver checks it against its own clock.
    const header = signatureHeader(payload, options.secret);
    try {
      const status = await post(url, payload, { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': header, 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }, inFlight.signal);
      if (status >= 200 && status < 300) {
        settle(id);
        sendAgainSometimes(id);
      } else fail(id, `HTTP ${status}`);
    } catch (error) {
      fail(id, (error as Error).message);
    }
  };

  /** A delivered event queued once more, as Stripe now and then sends one twice; it counts as unsettled until that lands too. */
  const sendAgainSometimes = (id: string) => {
    if (duplicates <= 0 || duplicated.has(id) || stopped || random() >= duplicates) return;
    duplicated.add(id);
    unsettled.add(id);
    queue.push(id);
  };

  const nextInQueue = (): string => {
    const index = disorder ? Math.floor(random() * queue.length) : 0;
    return queue.splice(Math.min(index, queue.length - 1), 1)[0] as string;
  };

  // Up to `concurrency` deliveries in flight; each one finished makes room for the next.
  const pump = () => {
    while (queue.length > 0 && !held && !stopped && sending < concurrency) {
      const id = nextInQueue();
      sending += 1;
      void send(id).finally(() => {
        sending -= 1;
        pump();
      });
    }
    checkWaiters();
  };

  return {
    url: () => endpoint,
    waiting: () => unsettled.size,
    setUrl(url) {
      endpoint = url;
    },
    deliver(event) {
      if (!endpoint) return 0;
      event.pending_webhooks = 1;
      unsettled.add(event.id);
      queue.push(event.id);
      pump();
      return 1;
    },
    settled() {
      const earlier = failureOf(failures.keys());
      return earlier ? Promise.reject(earlier) : waitFor(unsettled);
    },
    hold() {
      held = true;
    },
    release(order = 'created') {
      const waiting = queue.splice(0, queue.length);
      const sequence = order === 'reverse' ? [...waiting].reverse() : order === 'shuffle' ? shuffled(waiting, random) : waiting;
      queue.push(...sequence);
      held = false;
      pump();
      return waitFor(waiting);
    },
    take(type) {
      const taken: Stripe.Event[] = [];
      const kept: string[] = [];
      for (const id of queue) {
        const event = store.find('event', id);
        if (event && (type === undefined || event.type === type)) {
          taken.push(structuredClone(event));
          settle(id);
        } else kept.push(id);
      }
      queue.splice(0, queue.length, ...kept);
      checkWaiters();
      return taken;
    },
    resend(eventId) {
      const event = store.find('event', eventId);
      if (!event) return Promise.reject(noSuch('event', eventId));
      if (!endpoint) return Promise.reject(new Error('no webhook URL is set, so there is nowhere to resend to'));
      event.pending_webhooks = 1;
      failures.delete(eventId);
      unsettled.add(eventId);
      queue.push(eventId);
      pump();
      return waitFor([eventId]);
    },
    stop() {
      stopped = true;
      for (const timer of retries.values()) clearTimeout(timer);
      retries.clear();
      inFlight.abort();
      for (const waiter of waiters) waiter.reject(new Error('the Stripe emulator stopped'));
      waiters = [];
    },
  };
}
