// The whole path of a gift for tests: the web server and the worker on a fresh database, the Stripe
// emulator delivering signed webhooks to the web server, and the donor's steps as helpers.
import request from 'supertest';
import Stripe from 'stripe';
import { seedDemoData } from '../../dev/seed';
import type { Donation } from '../../server/tables/donations.table';
import { startWorker, type RunningWorker } from '../../jobs/worker';
import type { ReadyConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startWeb, type RunningWeb } from '../../server/main';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../dev/stripe-emulator/index';
import { testNow } from './clock';
import { testConfig } from './context';
import { createTestDatabase, type TestDatabase } from './database';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { waitUntil } from './wait';

const unlimitedStripeBudget = { global: 100_000, perOperation: 100_000, operations: {}, donorReserve: 0 };

export interface GivingHarness {
  database: TestDatabase;
  config: ReadyConfig;
  web: RunningWeb;
  /** http://127.0.0.1:PORT of the web server. */
  url: string;
  emulator: StripeEmulator;
  /** stripe-node talking to the emulator, as the platform does. */
  stripe: Stripe;
  /** The SMTP server the platform sends to; every message it accepted. */
  mail: SmtpSink;
  /** What the web server and worker logged at warn or above (or at `config.logLevel` when a test sets it, or TEST_LOG_LEVEL), parsed. */
  logs: LogLine[];
  /** Fills in the donate form of `slug` and follows it to Checkout; the donation it started. */
  give(slug: string, form: Record<string, string>): Promise<{ donation: Donation; sessionId: string; response: request.Response }>;
  /** What the emulator's hosted page does when the donor pays. */
  pay(sessionId: string, cardNumber?: string): Promise<{ status: string; session: Stripe.Checkout.Session }>;
  /** Calls a /_emulator helper endpoint. */
  helper<T = Record<string, unknown>>(path: string, body?: Record<string, unknown>): Promise<T>;
  /** Waits until every webhook is delivered and every stored event applied (or fails naming the one that was not). */
  settle(): Promise<void>;
  donation(id: string): Promise<Donation>;
  stop(): Promise<void>;
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export const aDonor = (overrides: Record<string, string> = {}) => ({
  amount: '100',
  currency: 'HKD',
  frequency: 'once',
  email: 'mei.chan@example.com',
  name: 'Mei Chan',
  message: '',
  dedication_kind: '',
  dedication_name: '',
  ...overrides,
});

/** `config.stripe` is merged over the emulator's keys and address, e.g. `{ stripe: { wallets: ['alipay'] } }`. */
export type GivingConfig = Partial<Omit<ReadyConfig, 'stripe'>> & { stripe?: Partial<ReadyConfig['stripe']> };

export async function startGivingHarness(options: { emulator?: StripeEmulatorOptions; worker?: boolean; config?: GivingConfig } = {}): Promise<GivingHarness> {
  const database = await createTestDatabase();
  // The platform and the emulator agree on the day: gifts are dated, and receipts numbered, in the test's year.
  const clockStart = options.config?.clockStart ?? testNow;
  // The demo's campaigns without its closed rounds' offline gifts: these tests count every gift, receipt and email.
  await seedDemoData(database.db, clockStart, { closedRoundMoney: false });
  // Quick retries first, then a tail long enough for a loaded machine to have come back.
  const emulator = await startStripeEmulator({ retryDelaysMs: [100, 300, 1000, 3000, 10_000, 30_000], clockStart, ...options.emulator });
  const mail = await startSmtpSink();
  const { stripe: stripeOverrides, ...configOverrides } = options.config ?? {};
  const config = testConfig({
    databaseUrl: database.url,
    smtpUrl: mail.url,
    // The emulator refuses nothing unless a test gives it limits, so neither does the budget unless the test sets one.
    stripe: { secretKey: emulator.secretKey, webhookSecret: emulator.webhookSecret, apiUrl: emulator.url, wallets: [], budget: unlimitedStripeBudget, ...stripeOverrides },
    ...configOverrides,
  });
  const logs: LogLine[] = [];
  const logger = createLogger(
    { logLevel: options.config?.logLevel ?? (process.env.TEST_LOG_LEVEL ? config.logLevel : 'warn') },
    {
      write(line: string) {
        logs.push(JSON.parse(line) as LogLine);
        if (process.env.TEST_LOG_LEVEL) process.stdout.write(line);
      },
    },
  );
  const web = await startWeb(config, logger, { hearChangesFirst: true });
  const url = `http://127.0.0.1:${web.port}`;
  emulator.setWebhookUrl(`${url}/webhooks/stripe`);
  const worker: RunningWorker | undefined = options.worker === false ? undefined : await startWorker(config, logger);
  const stripe = new Stripe(emulator.secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });

  const harness: GivingHarness = {
    database,
    config,
    web,
    url,
    emulator,
    stripe,
    mail,
    logs,
    async give(slug, form) {
      const response = await request(url).post(`/campaigns/${slug}/donate`).type('form').send(form);
      if (response.status !== 303) throw new Error(`the donate form answered ${response.status}:\n${response.text.slice(0, 2000)}`);
      const sessionId = /\/pay\/(cs_\w+)/.exec(String(response.headers.location))?.[1];
      if (!sessionId) throw new Error(`not sent to Checkout: ${response.headers.location}`);
      const donation = await database.db.selectFrom('donations').selectAll().where('stripe_checkout_session_id', '=', sessionId).executeTakeFirstOrThrow();
      return { donation, sessionId, response };
    },
    pay(sessionId, cardNumber = '4242424242424242') {
      return harness.helper(`/_emulator/checkout/sessions/${sessionId}/pay`, { card_number: cardNumber });
    },
    async helper<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(`${emulator.url}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    },
    async settle() {
      await emulator.webhooksSettled();
      let pending: unknown[] = [];
      await waitUntil(
        'every stored event to be applied',
        async () => {
          pending = await database.db.selectFrom('stripe_events').select(['id', 'type', 'last_error']).where('processed_at', 'is', null).execute();
          return pending.length === 0;
        },
        { pollMs: 50, describe: () => pending },
      );
    },
    donation: (id) => database.db.selectFrom('donations').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    async stop() {
      await worker?.stop();
      await web.stop();
      await emulator.stop();
      await mail.close();
      await database.drop();
    },
  };
  return harness;
}
