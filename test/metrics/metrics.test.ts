import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import request from 'supertest';
import { startWorker, type RunningWorker } from '../../jobs/worker';
import { createLogger } from '../../server/logger';
import { createMetrics } from '../../server/metrics/metrics';
import { startMetricsListener } from '../../server/metrics/listener';
import { stripeOperation } from '../../server/stripe/operations';
import type { JobQueues } from '../../server/queues';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

async function scrape(port: number, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
  return { status: response.status, text: await response.text() };
}

/** The value of one sample, such as `smilefund_gifts_recorded_total{currency="HKD"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Whether anything accepts a connection at host:port. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Addresses of this machine other than 127.0.0.1: a listener bound to 127.0.0.1 alone answers on none of them. */
const otherAddresses = ['127.0.0.2', '::1', ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => !i.internal && !i.address.startsWith('fe80')).map((i) => i.address))];

describe('metrics, with METRICS_PORT set', () => {
  let h: GivingHarness;
  let worker: RunningWorker;
  beforeAll(async () => {
    h = await startGivingHarness({ worker: false, config: { metrics: { webPort: 0, workerPort: 0, token: undefined } } });
    worker = await startWorker(h.config, createLogger(h.config));
  });
  afterAll(async () => {
    await worker.stop();
    await h.stop();
  });

  it('counts a gift paid on Checkout once its ledger row is recorded, with the Stripe calls that made it, and the queues’ depths', async () => {
    const { sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '100' }));
    await h.pay(sessionId);
    await h.settle();

    const fromWorker = await scrape(worker.metricsPort!);
    expect(fromWorker.status).toBe(200);
    expect(sample(fromWorker.text, 'smilefund_gifts_recorded_total{currency="HKD"}')).toBe(1);
    expect(sample(fromWorker.text, 'smilefund_payment_to_ledger_seconds_count')).toBe(1);
    // Applying the event read the payment back from Stripe.
    expect(fromWorker.text).toMatch(/^smilefund_stripe_requests_total\{operation="GET \/v1\/[a-z_/]+\{id\}[a-z_/]*",status="200"\} [1-9]/m);
    expect(sample(fromWorker.text, 'smilefund_queue_jobs{queue="stripe-events",state="waiting"}')).toBe(0);

    const fromWeb = await scrape(h.web.metricsPort!);
    expect(sample(fromWeb.text, 'smilefund_stripe_requests_total{operation="POST /v1/checkout/sessions",status="200"}')).toBeGreaterThan(0);
    expect(fromWeb.text).toContain('smilefund_stripe_rate_limited_total');
    expect(sample(fromWeb.text, 'smilefund_queue_jobs{queue="emails",state="failed"}')).toBe(0);
    // The gift is recorded by the worker, so the web process has counted none.
    expect(sample(fromWeb.text, 'smilefund_gifts_recorded_total{currency="HKD"}')).toBeUndefined();
  });

  it('answers on 127.0.0.1 alone, never from the public site', async () => {
    await request(h.url).get('/metrics').expect(404);
    for (const port of [h.web.metricsPort!, worker.metricsPort!]) {
      expect(await answers('127.0.0.1', port)).toBe(true);
      for (const address of otherAddresses) expect([address, await answers(address, port)]).toEqual([address, false]);
    }
    expect((await scrape(h.web.metricsPort!)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${h.web.metricsPort!}/`)).status).toBe(404);
  });
});

describe('metrics, with METRICS_PORT unset', () => {
  let h: GivingHarness;
  let worker: RunningWorker;
  beforeAll(async () => {
    h = await startGivingHarness({ worker: false });
    worker = await startWorker(h.config, createLogger(h.config));
  });
  afterAll(async () => {
    await worker.stop();
    await h.stop();
  });

  it('serves nothing, from either process or from the public site', async () => {
    expect(h.config.metrics).toBeUndefined();
    expect(h.web.metricsPort).toBeUndefined();
    expect(worker.metricsPort).toBeUndefined();
    await request(h.url).get('/metrics').expect(404);
  });
});

describe('the metrics listener with a token', () => {
  it('answers only a scraper that sends it', async () => {
    const noQueues = { queue: () => ({ getJobCounts: async () => ({}) }) } as unknown as JobQueues;
    const metrics = createMetrics(noQueues);
    const listener = await startMetricsListener(metrics.registry, { port: 0, token: 'a-token-of-sixteen-or-more' }, createLogger({ logLevel: 'silent' }));
    try {
      expect((await scrape(listener.port)).status).toBe(401);
      expect((await scrape(listener.port, { Authorization: 'Bearer another-token-entirely!' })).status).toBe(401);
      const scraped = await scrape(listener.port, { Authorization: 'Bearer a-token-of-sixteen-or-more' });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('# TYPE smilefund_gifts_recorded_total counter');
    } finally {
      await listener.close();
    }
  });
});

describe('Stripe operations', () => {
  it('name each call as Stripe limits it, with ids and queries left out', () => {
    expect(stripeOperation('GET', '/v1/payment_intents/pi_3PqRsT1234abcd?expand%5B0%5D=latest_charge')).toBe('GET /v1/payment_intents/{id}');
    expect(stripeOperation('post', '/v1/checkout/sessions')).toBe('POST /v1/checkout/sessions');
    expect(stripeOperation('POST', '/v1/checkout/sessions/cs_test_a1B2c3/expire')).toBe('POST /v1/checkout/sessions/{id}/expire');
    expect(stripeOperation('GET', '/v1/billing_portal/configurations')).toBe('GET /v1/billing_portal/configurations');
  });
});
