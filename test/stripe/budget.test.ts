import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../dev/stripe-emulator/index';
import { createMetrics } from '../../server/metrics/metrics';
import type { JobQueues } from '../../server/queues';
import { createStripeBudget } from '../../server/stripe/budget';
import { parseStripeRateLimits, stripeBudgetFor, type StripeBudgetLimits } from '../../server/stripe/budget-limits';
import { createStripeClient, isBudgetRefusal } from '../../server/stripe/client';
import { testNow } from '../support/clock';
import { testRedisUrl } from '../support/services';
import { waitUntil } from '../support/wait';

const noQueues = { queue: () => ({ getJobCounts: async () => ({}) }) } as unknown as JobQueues;

/** One Stripe client as a web or worker process makes it, drawing from the budget under `prefix`. */
function processClient(emulator: StripeEmulator, redis: Redis, prefix: string, limits: StripeBudgetLimits, metrics = createMetrics(noQueues)) {
  const budget = createStripeBudget(redis, prefix, limits);
  return { stripe: createStripeClient({ secretKey: emulator.secretKey, apiUrl: emulator.url }, { budget, metrics }), metrics };
}

const aCheckoutSession: Stripe.Checkout.SessionCreateParams = {
  mode: 'payment',
  line_items: [{ quantity: 1, price_data: { currency: 'hkd', unit_amount: 10_000, product_data: { name: 'A gift' } } }],
  success_url: 'http://127.0.0.1/donations/thanks?session_id={CHECKOUT_SESSION_ID}',
  cancel_url: 'http://127.0.0.1/campaigns/x',
};

function calls(emulator: StripeEmulator, operation: string) {
  const seconds = emulator.stripeCalls()[operation] ?? [];
  return { admitted: seconds.reduce((sum, s) => sum + s.admitted, 0), refused: seconds.reduce((sum, s) => sum + s.refused, 0), busiestSecond: Math.max(0, ...seconds.map((s) => s.admitted)) };
}

async function sample(metrics: ReturnType<typeof createMetrics>, series: string): Promise<number | undefined> {
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the shared Stripe budget', () => {
  let redis: Redis;
  let prefix: string;
  const emulators: StripeEmulator[] = [];
  const emulator = async (limits: NonNullable<NonNullable<Parameters<typeof startStripeEmulator>[0]>['load']>['limits']) => {
    const started = await startStripeEmulator({ clockStart: testNow, load: { limits } });
    emulators.push(started);
    return started;
  };
  beforeEach(() => {
    redis = new Redis(testRedisUrl);
    prefix = `smilefund-test:${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await Promise.all(emulators.splice(0).map((e) => e.stop()));
  });

  it('reads Stripe’s limits as the emulator’s STRIPE_EMULATOR_LIMITS does, and keeps a share of each in hand', () => {
    expect(stripeBudgetFor(parseStripeRateLimits('live'), 90)).toEqual({ global: 90, perOperation: 22, operations: {}, donorReserve: 22 });
    expect(stripeBudgetFor(parseStripeRateLimits('sandbox'), 90)).toEqual({ global: 22, perOperation: 22, operations: {}, donorReserve: 11 });
    expect(stripeBudgetFor(parseStripeRateLimits('global:200,op:50,POST /v1/checkout/sessions:100,reserve:60'), 100)).toEqual({
      global: 200,
      perOperation: 50,
      operations: { 'POST /v1/checkout/sessions': 100 },
      donorReserve: 60,
    });
    expect(() => parseStripeRateLimits('global:lots')).toThrow(/whole number/);
    expect(() => parseStripeRateLimits('PATCH /v1/things:5')).toThrow(/none of live, sandbox/);
  });

  it('two processes drawing from one budget never send Stripe more than it allows', async () => {
    const stripeApi = await emulator({ global: 100, perOperation: 5 });
    const limits = stripeBudgetFor({ global: 100, perOperation: 5, operations: {} }, 90);
    const web = processClient(stripeApi, redis, prefix, limits);
    const worker = processClient(stripeApi, redis, prefix, limits);

    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? web : worker).stripe.customers.create({ email: `donor-${i}@example.com` })),
    );

    expect(new Set(created.map((customer) => customer.id)).size).toBe(24);
    const customers = calls(stripeApi, 'POST /v1/customers');
    expect(customers).toEqual({ admitted: 24, refused: 0, busiestSecond: expect.any(Number) });
    expect(customers.busiestSecond).toBeLessThanOrEqual(limits.perOperation);
  });

  it('keeps the donors’ reserve free however much background work is queued', async () => {
    const stripeApi = await emulator({ global: 100, perOperation: 100 });
    // Ten calls a second in all, five of them kept for donors: background work may make five.
    const limits: StripeBudgetLimits = { global: 10, perOperation: 25, operations: {}, donorReserve: 5 };
    const worker = processClient(stripeApi, redis, prefix, limits);
    const web = processClient(stripeApi, redis, prefix, limits);

    const backlog = Promise.all(Array.from({ length: 30 }, (_, i) => worker.stripe.customers.create({ email: `backlog-${i}@example.com` })));
    await waitUntil('the backlog to be using its share', () => calls(stripeApi, 'POST /v1/customers').admitted >= 5);

    // Without the reserve the backlog would hold all ten slots a second, and these donors would be told to wait.
    const donors = await Promise.allSettled(Array.from({ length: 4 }, () => web.stripe.checkout.sessions.create(aCheckoutSession)));
    expect(donors.map((d) => d.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);

    await backlog;
    expect(calls(stripeApi, 'POST /v1/customers').busiestSecond).toBeLessThanOrEqual(limits.global - limits.donorReserve);
    expect(calls(stripeApi, 'POST /v1/customers').refused).toBe(0);
  });

  it('lets background work use what donors leave of the global limit while an appeal keeps them busy', async () => {
    // Ten calls a second in all, five of them kept for donors; donors have just taken six.
    const budget = createStripeBudget(redis, prefix, { global: 10, perOperation: 25, operations: {}, donorReserve: 5 });
    const donors = await Promise.all(Array.from({ length: 6 }, () => budget.take('POST /v1/checkout/sessions', 'donor')));
    expect(donors.every((answer) => answer.taken)).toBe(true);

    // The four left are background work's: a reserve that counted the donors' own calls would leave it none,
    // and receipts would wait for the appeal to end.
    const background = await Promise.all(Array.from({ length: 6 }, () => budget.take('GET /v1/payment_intents/{id}', 'background')));
    expect(background.filter((answer) => answer.taken).length).toBeGreaterThanOrEqual(4);
    expect((await budget.inUse())['*']).toBeLessThanOrEqual(10);
  });

  it('tells a donor at once when there is no slot for their Checkout Session, rather than keep them waiting', async () => {
    const stripeApi = await emulator({ global: 100, perOperation: 100 });
    const web = processClient(stripeApi, redis, prefix, { global: 50, perOperation: 50, operations: { 'POST /v1/checkout/sessions': 2 }, donorReserve: 10 });

    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => web.stripe.checkout.sessions.create(aCheckoutSession)));
    const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');

    expect(refused.length).toBeGreaterThan(0);
    for (const { reason } of refused) {
      expect(reason).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(isBudgetRefusal(reason)).toBe(true);
    }
    // Refused by the budget, never by Stripe: nothing was sent for them.
    expect(calls(stripeApi, 'POST /v1/checkout/sessions')).toMatchObject({ admitted: 8 - refused.length, refused: 0 });
    expect(await sample(web.metrics, 'smilefund_stripe_requests_total{operation="POST /v1/checkout/sessions",status="200"}')).toBe(8 - refused.length);
  });

  it('tries a 429 from Stripe again after a pause, so background work gets its answer', async () => {
    // Stripe allows one call a second of this operation, while the budget believes in fifty.
    const stripeApi = await emulator({ global: 100, perOperation: 1 });
    const worker = processClient(stripeApi, redis, prefix, { global: 50, perOperation: 50, operations: {}, donorReserve: 0 });

    const created = await Promise.all(Array.from({ length: 3 }, (_, i) => worker.stripe.customers.create({ email: `retried-${i}@example.com` })));

    expect(created).toHaveLength(3);
    const customers = calls(stripeApi, 'POST /v1/customers');
    expect(customers.admitted).toBe(3);
    expect(customers.refused).toBeGreaterThan(0);
    expect(await sample(worker.metrics, 'smilefund_stripe_rate_limited_total{operation="POST /v1/customers"}')).toBe(customers.refused);
    expect(await sample(worker.metrics, 'smilefund_stripe_requests_total{operation="POST /v1/customers",status="200"}')).toBe(3);
  });
});
