// The Stripe emulator as the emulator tests drive it: the real stripe-node client, a webhook
// receiver that verifies every signature as the platform will, and the emulator's helper endpoints.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../dev/stripe-emulator/index';
import { testNow } from './clock';

export interface WebhookReceiver {
  url: string;
  /** Every delivery whose signature verified, in arrival order (a retried event appears again). */
  deliveries: Stripe.Event[];
  /** Deliveries refused because their signature did not verify; a test expects none. */
  rejected: string[];
  /** Every POST received, answered or failed. */
  attempts(): number;
  /** Answers the next `count` deliveries with `status` instead of 200. */
  failNext(count: number, status?: number): void;
  types(): string[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const verifier = new Stripe('sk_test_verifier');
  const deliveries: Stripe.Event[] = [];
  const rejected: string[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let attempts = 0;
  const server = http.createServer((req, res) => {
    attempts += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        res.writeHead(failures.status).end();
        return;
      }
      try {
        deliveries.push(verifier.webhooks.constructEvent(raw, String(req.headers['stripe-signature']), secret));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      } catch (error) {
        rejected.push((error as Error).message);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`,
    deliveries,
    rejected,
    attempts: () => attempts,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    types: () => deliveries.map((event) => event.type),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface EmulatorHarness {
  emulator: StripeEmulator;
  stripe: Stripe;
  receiver: WebhookReceiver;
  /** Calls a /_emulator helper endpoint with JSON, as a test in another process would. */
  helper<T = Record<string, unknown>>(path: string, body?: Record<string, unknown>): Promise<T>;
  /** Types of the events received since the last call. */
  newEventTypes(): string[];
  stop(): Promise<void>;
}

export async function startEmulatorHarness(options: StripeEmulatorOptions = {}): Promise<EmulatorHarness> {
  const secret = options.webhookSecret ?? 'whsec_emulator_tests';
  const receiver = await startWebhookReceiver(secret);
  const emulator = await startStripeEmulator({ clockStart: testNow, ...options, webhookSecret: secret, webhookUrl: receiver.url });
  const stripe = new Stripe(emulator.secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
  let seen = 0;
  return {
    emulator,
    stripe,
    receiver,
    async helper<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(`${emulator.url}${path}`, {
        method: path === '/_emulator/rates' ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' },
        body: path === '/_emulator/rates' ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw Object.assign(new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`), { status: response.status, body: json });
      return json;
    },
    newEventTypes() {
      const types = receiver.types().slice(seen);
      seen = receiver.deliveries.length;
      return types;
    },
    async stop() {
      await emulator.stop();
      await receiver.close();
    },
  };
}

/** A one-off gift's Checkout Session, as the donation form creates it. */
export function aGiftSession(stripe: Stripe, overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    submit_type: 'donate',
    line_items: [{ price_data: { currency: 'cny', unit_amount: 10000, product_data: { name: 'Happy Smile mission, May round', description: 'Cleft surgery for one child' } }, quantity: 1 }],
    customer_email: 'donor@example.com',
    client_reference_id: 'gift_1',
    metadata: { gift_id: 'gift_1' },
    payment_intent_data: { metadata: { gift_id: 'gift_1' }, description: 'Gift to Happy Smile' },
    success_url: 'http://localhost:3000/gifts/thanks?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/campaigns/happy-smile',
    ...overrides,
  });
}

/** A monthly gift's Checkout Session. */
export function aMonthlyGiftSession(stripe: Stripe, overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price_data: { currency: 'hkd', unit_amount: 20000, recurring: { interval: 'month' }, product_data: { name: 'Monthly gift to speech therapy' } }, quantity: 1 }],
    customer_email: 'monthly@example.com',
    metadata: { plan_id: 'plan_1' },
    subscription_data: { metadata: { plan_id: 'plan_1' } },
    success_url: 'http://localhost:3000/gifts/thanks?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/campaigns/speech-therapy',
    ...overrides,
  });
}
