// Stripe under load, by option: its per-second limits refuse what is over them with Stripe's 429, and
// nothing refused leaves a trace. No assertion here depends on how long anything took: each burst is
// many calls against a tiny limit, so however slowly the machine runs, some of them are refused.
import Stripe from 'stripe';
import { stripeLoadFromEnv } from '../../dev/stripe-emulator/load';
import { stripeOperation } from '../../server/stripe/operations';
import { startEmulatorHarness, type EmulatorHarness } from '../support/stripe-emulator';
import { waitUntil } from '../support/wait';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: Stripe.errors.StripeError };

async function burst<T>(calls: Array<() => Promise<T>>): Promise<Array<Outcome<T>>> {
  return Promise.all(
    calls.map((call) =>
      call().then(
        (value): Outcome<T> => ({ ok: true, value }),
        (error: Stripe.errors.StripeError): Outcome<T> => ({ ok: false, error }),
      ),
    ),
  );
}

const times = <T>(count: number, call: () => Promise<T>) => Array.from({ length: count }, () => call);

/** Retries a call Stripe refused for its rate until the limit lets it through, as a patient client would. */
async function admitted<T>(call: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await waitUntil('the rate limit to let a call through', async () => {
    try {
      result = await call();
      return true;
    } catch (error) {
      if (error instanceof Stripe.errors.StripeRateLimitError) return false;
      throw error;
    }
  });
  return result as T;
}

const stripeRateLimit = {
  type: 'StripeRateLimitError',
  rawType: 'invalid_request_error',
  statusCode: 429,
  code: 'rate_limit',
  message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
};

describe('the Stripe emulator under Stripe’s rate limits', () => {
  describe('with a per-operation limit of 2 a second', () => {
    let h: EmulatorHarness;
    beforeAll(async () => {
      h = await startEmulatorHarness({ load: { limits: { global: 1000, perOperation: 2, operations: { 'GET /v1/customers/{id}': 1000 } }, latencyMs: { mean: 5, jitter: 5 } } });
    });
    afterAll(() => h.stop());

    it('refuses creates over the limit as Stripe does, and a refused create makes no customer and no event', async () => {
      const outcomes = await burst(times(20, () => h.stripe.customers.create({ email: 'burst@example.com' })));
      const refused = outcomes.filter((outcome) => !outcome.ok);
      const created = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));

      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const outcome of refused) {
        expect(outcome.error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
        expect(outcome.error).toMatchObject(stripeRateLimit);
        expect(outcome.error.headers?.['stripe-rate-limited-reason']).toBe('endpoint-rate');
      }

      const customers = await admitted(() => h.stripe.customers.list({ email: 'burst@example.com', limit: 100 }));
      expect(customers.data.map((customer) => customer.id).sort()).toEqual(created.map((customer) => customer.id).sort());
      const events = await admitted(() => h.stripe.events.list({ type: 'customer.created', limit: 100 }));
      expect(events.data).toHaveLength(created.length);
    });

    it('counts each operation apart: reads in the same burst as refused creates all go through', async () => {
      const customer = await admitted(() => h.stripe.customers.create({ email: 'read@example.com' }));
      const outcomes = await burst<unknown>([
        ...times(20, () => h.stripe.customers.create({ email: 'burst2@example.com' })),
        ...times(2, () => h.stripe.prices.list({ limit: 1 })),
        ...times(10, () => h.stripe.customers.retrieve(customer.id)),
      ]);
      const [creates, lists, reads] = [outcomes.slice(0, 20), outcomes.slice(20, 22), outcomes.slice(22)];
      expect(creates.filter((outcome) => !outcome.ok).length).toBeGreaterThanOrEqual(1);
      // Two price lists (the first this emulator sees) are within their own limit, and
      // GET /v1/customers/{id} was raised to 1000, whichever customer is read.
      expect(lists.every((outcome) => outcome.ok)).toBe(true);
      expect(reads.every((outcome) => outcome.ok)).toBe(true);
    });

    it('answers a refused call with Stripe’s body and headers, keeps no idempotent result for it, and does not ask stripe-node to retry', async () => {
      const post = (key: string) =>
        fetch(`${h.emulator.url}/v1/customers`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${h.emulator.secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': key },
          body: 'email=keyed%40example.com',
        });
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`key-${i}`).then(async (response) => ({ i, response, body: await response.json() }))));
      const refused = responses.filter(({ response }) => response.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const { response, body } of refused) {
        expect(body).toEqual({ error: { type: 'invalid_request_error', code: 'rate_limit', doc_url: stripeRateLimit.doc_url, message: stripeRateLimit.message } });
        expect(response.headers.get('Stripe-Rate-Limited-Reason')).toBe('endpoint-rate');
        expect(response.headers.get('Request-Id')).toMatch(/^req_/);
        // Without `Stripe-Should-Retry: true` stripe-node leaves a 429 to the caller.
        expect(response.headers.get('Stripe-Should-Retry')).toBeNull();
      }

      // The same key sent again once the limit allows runs the request: nothing was kept for it.
      const again = refused[0]!;
      let retried: Response | undefined;
      await waitUntil('the retried key to be let through', async () => {
        retried = await post(`key-${again.i}`);
        return retried.status !== 429;
      });
      expect(retried!.status).toBe(200);
      expect(retried!.headers.get('Idempotent-Replayed')).toBeNull();
    });

    it('never limits the helper endpoints', async () => {
      const outcomes = await burst(times(20, () => h.helper('/_emulator/rates')));
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    });
  });

  describe('with a global limit of 2 a second', () => {
    let h: EmulatorHarness;
    beforeAll(async () => {
      h = await startEmulatorHarness({ load: { limits: { global: 2, perOperation: 1000 } } });
    });
    afterAll(() => h.stop());

    it('refuses calls over it across operations', async () => {
      const outcomes = await burst<unknown>([
        ...times(7, () => h.stripe.customers.create({ email: 'global@example.com' })),
        ...times(7, () => h.stripe.customers.list({ limit: 1 })),
        ...times(7, () => h.stripe.events.list({ limit: 1 })),
      ]);
      const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const error of refused) {
        expect(error).toMatchObject(stripeRateLimit);
        expect(error.headers?.['stripe-rate-limited-reason']).toBe('global-rate');
      }
      const createdCount = outcomes.slice(0, 7).filter((outcome) => outcome.ok).length;
      const customers = await admitted(() => h.stripe.customers.list({ email: 'global@example.com', limit: 100 }));
      expect(customers.data).toHaveLength(createdCount);
    });
  });

  describe('with no load option', () => {
    let h: EmulatorHarness;
    beforeAll(async () => {
      h = await startEmulatorHarness();
    });
    afterAll(() => h.stop());

    it('refuses nothing, however many calls arrive at once', async () => {
      const outcomes = await burst(times(60, () => h.stripe.customers.create({ email: 'free@example.com' })));
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
      const customers = await h.stripe.customers.list({ email: 'free@example.com', limit: 100 });
      expect(customers.data).toHaveLength(60);
    });
  });

  it('names an operation by its method and path, ids left out', () => {
    expect(stripeOperation('post', '/v1/checkout/sessions')).toBe('POST /v1/checkout/sessions');
    expect(stripeOperation('GET', '/v1/payment_intents/pi_3QxAbC123def456GHI789jkl')).toBe('GET /v1/payment_intents/{id}');
    expect(stripeOperation('POST', '/v1/checkout/sessions/cs_test_a1B2c3D4e5/expire')).toBe('POST /v1/checkout/sessions/{id}/expire');
    expect(stripeOperation('POST', '/v1/billing_portal/sessions')).toBe('POST /v1/billing_portal/sessions');
  });

  it('reads `npm start`’s environment', () => {
    expect(stripeLoadFromEnv({})).toBeUndefined();
    expect(stripeLoadFromEnv({ STRIPE_EMULATOR_LATENCY_MS: '150,50', STRIPE_EMULATOR_LIMITS: 'live' })).toEqual({ latencyMs: { mean: 150, jitter: 50 }, limits: 'live' });
    expect(stripeLoadFromEnv({ STRIPE_EMULATOR_LIMITS: 'global:100,op:25,POST /v1/checkout/sessions:100' })).toEqual({
      limits: { global: 100, perOperation: 25, operations: { 'POST /v1/checkout/sessions': 100 } },
    });
    expect(() => stripeLoadFromEnv({ STRIPE_EMULATOR_LIMITS: 'fast' })).toThrow(/STRIPE_EMULATOR_LIMITS/);
  });
});
