// The local Stripe: an HTTP server that stripe-node talks to as it would to api.stripe.com, with
// hosted pages for the browser, signed webhooks, and helper endpoints tests use to play the donor,
// the card network and the passing of time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createAccount } from './account';
import { balanceRoutes } from './balance';
import { billingPortalRoutes } from './billing-portal';
import { catalogRoutes } from './catalog';
import { checkoutRoutes } from './checkout';
import { checkoutPaymentRoutes } from './checkout-payment';
import { customerRoutes } from './customers';
import { disputeRoutes } from './disputes';
import { eventRoutes } from './events';
import { createHttpApp } from './http';
import { invoiceRoutes } from './invoices';
import { createStripeCallLog, stripeLoad, type StripeCallSecond, type StripeLoadOptions } from './load';
import { pageRoutes } from './pages';
import { paymentMethodRoutes } from './payment-methods';
import { paymentRoutes } from './payments';
import { payoutRoutes } from './payouts';
import { refundRoutes } from './refunds';
import { catchUp, clockRoutes } from './renewals';
import { ratesRoutes, settlementIn } from './settlement';
import { readSnapshot, stateWriter } from './state-file';
import { createStore } from './store';
import { subscriptionRoutes } from './subscriptions';
import { createWebhookDelivery, type DeliveryOptions, type ReleaseOrder } from './webhooks';

export interface StripeEmulatorOptions {
  /** 0 or absent: a free port on 127.0.0.1. */
  port?: number;
  /** The API key it accepts (Bearer), default 'sk_test_emulator'. */
  secretKey?: string;
  /** Where it POSTs events; none: events are only stored. */
  webhookUrl?: string;
  /** whsec_… used to sign deliveries, default 'whsec_emulator'. */
  webhookSecret?: string;
  /** Webhook retry schedule after a failed delivery, default [1000, 5000, 30000, 120000, 600000]. */
  retryDelaysMs?: number[];
  /** Optional JSON snapshot, loaded at start and written after changes, so `npm start` keeps its objects across restarts. */
  stateFile?: string;
  /** The account's currency, default 'HKD' (HKD or USD: the two it has rates and fees for). */
  settlementCurrency?: string;
  /** What its clock reads at start (then it runs on, and advance_time moves it): the platform's CLOCK_START. A state file's clock wins. */
  clockStart?: Date;
  /** Stripe under load: latency per API call and Stripe's rate limits with its 429s. Off by default, so tests run fast. */
  load?: StripeLoadOptions;
  /** Webhooks as Stripe sends them: several at once, out of order, some twice. Absent: one at a time, oldest first, once. */
  delivery?: DeliveryOptions;
  /**
   * A charge succeeds before its balance transaction exists (as with Stripe's background capture): charge.succeeded
   * carries balance_transaction null, and a moment later (`afterMs`, default 200) charge.updated brings it.
   */
  lateBalanceTransactions?: boolean | { afterMs: number };
}

export interface StripeEmulator {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  secretKey: string;
  webhookSecret: string;
  setWebhookUrl(url: string | undefined): void;
  /**
   * Resolves when every event created so far has been delivered with a 2xx (or has no endpoint).
   * Rejects, naming the event, if one was given up on after its last retry, rather than never resolving.
   */
  webhooksSettled(): Promise<void>;
  /** While held, events queue up instead of being delivered; release delivers them in the order asked. */
  holdWebhooks(): void;
  releaseWebhooks(order?: ReleaseOrder): Promise<void>;
  /**
   * Hands over events still waiting in the queue (of one type, if named) without delivering them, oldest
   * first; they count as delivered. For a benchmark that signs and posts Stripe's events itself.
   */
  takeHeldWebhooks(type?: Stripe.Event.Type): Stripe.Event[];
  /** Sends an already delivered event again, as Stripe does on retries. */
  resendEvent(eventId: string): Promise<void>;
  /** Every API call so far by operation and second of real time, admitted or refused with 429 (see load.ts). */
  stripeCalls(): Record<string, StripeCallSecond[]>;
  /** Events whose webhook the endpoint has not yet answered 2xx. */
  webhooksWaiting(): number;
  stop(): Promise<void>;
}

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const secretKey = options.secretKey ?? 'sk_test_emulator';
  const webhookSecret = options.webhookSecret ?? 'whsec_emulator';
  const store = createStore(options.stateFile ? readSnapshot(options.stateFile) : undefined, options.clockStart);
  const state = options.stateFile ? stateWriter(options.stateFile, () => store.snapshot()) : undefined;
  const webhooks = createWebhookDelivery(store, {
    url: options.webhookUrl,
    secret: webhookSecret,
    retryDelaysMs: options.retryDelaysMs ?? [1000, 5000, 30000, 120000, 600000],
    delivery: options.delivery,
  });
  const late = options.lateBalanceTransactions;
  const account = createAccount(
    store,
    settlementIn(options.settlementCurrency ?? 'HKD'),
    { deliver: (event) => webhooks.deliver(event), changed: () => state?.soon() },
    { balanceTransactionAfterMs: late === true ? 200 : late ? late.afterMs : undefined },
  );

  const calls = createStripeCallLog();
  const app = createHttpApp({
    secretKey,
    apiVersion: Stripe.API_VERSION,
    // Always mounted, to count calls; without load options it delays and refuses nothing.
    admission: stripeLoad(options.load ?? {}, calls),
    everyRequest: [
      (_req, res, next) => {
        catchUp(account);
        res.on('finish', () => account.changed());
        next();
      },
    ],
    pages: [pageRoutes(account)],
    api: [
      ratesRoutes(account.settlement),
      customerRoutes(account),
      paymentMethodRoutes(account),
      catalogRoutes(account),
      checkoutRoutes(account),
      checkoutPaymentRoutes(account),
      paymentRoutes(account),
      balanceRoutes(account),
      subscriptionRoutes(account),
      invoiceRoutes(account),
      refundRoutes(account),
      disputeRoutes(account),
      payoutRoutes(account),
      eventRoutes(account),
      billingPortalRoutes(account),
      clockRoutes(account),
    ],
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  account.url = url;
  // Sessions kept in a state file point at the port of the run that made them.
  for (const session of store.all('checkout.session')) if (session.status === 'open') session.url = `${url}/pay/${session.id}`;
  for (const portal of store.all('billing_portal.session')) portal.url = `${url}/billing/${portal.id}`;

  return {
    url,
    port,
    secretKey,
    webhookSecret,
    setWebhookUrl: (webhookUrl) => webhooks.setUrl(webhookUrl),
    async webhooksSettled() {
      // Wallet payments settle a moment after they are approved, and their events count too.
      await account.idle();
      await webhooks.settled();
    },
    holdWebhooks: () => webhooks.hold(),
    releaseWebhooks: (order) => webhooks.release(order),
    takeHeldWebhooks: (type) => webhooks.take(type),
    resendEvent: (eventId) => webhooks.resend(eventId),
    stripeCalls: () => calls.read(),
    webhooksWaiting: () => webhooks.waiting(),
    async stop() {
      webhooks.stop();
      account.stop();
      state?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
