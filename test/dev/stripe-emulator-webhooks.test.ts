import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { deliveryFromEnv, stripeLikeDelivery, type DeliveryOptions } from '../../dev/stripe-emulator/webhooks';
import { aGiftSession, startEmulatorHarness, type EmulatorHarness } from '../support/stripe-emulator';

describe('the Stripe emulator delivers webhooks as Stripe does', () => {
  let h: EmulatorHarness;
  beforeEach(async () => {
    h = await startEmulatorHarness({ retryDelaysMs: [50, 100] });
  });
  afterEach(() => h.stop());

  async function payGift(): Promise<void> {
    const session = await aGiftSession(h.stripe);
    await h.helper(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' });
  }

  it('signs each delivery so stripe.webhooks.constructEvent accepts it, and marks it delivered', async () => {
    const customer = await h.stripe.customers.create({ email: 'signed@example.com' });
    await h.emulator.webhooksSettled();
    expect(h.receiver.rejected).toEqual([]);
    const [event] = h.receiver.deliveries;
    expect(event).toMatchObject({ type: 'customer.created', data: { object: { id: customer.id } }, pending_webhooks: 1 });
    expect((await h.stripe.events.retrieve(String(event?.id))).pending_webhooks).toBe(0);
  });

  it('retries a failed delivery on the schedule until it is accepted', async () => {
    h.receiver.failNext(2, 503);
    const customer = await h.stripe.customers.create({ email: 'retried@example.com' });
    await h.emulator.webhooksSettled();
    expect(h.receiver.attempts()).toBe(3);
    expect(h.receiver.deliveries.map((event) => event.data.object)).toEqual([expect.objectContaining({ id: customer.id })]);
  });

  it('gives up after the last retry, and says so instead of settling', async () => {
    h.receiver.failNext(3);
    await h.stripe.customers.create({ email: 'lost@example.com' });
    await expect(h.emulator.webhooksSettled()).rejects.toThrow(/was not delivered: gave up after 3 attempts \(last: HTTP 500\)/);
    expect(h.receiver.deliveries).toEqual([]);
  });

  it('holds events back, then releases them newest first', async () => {
    h.emulator.holdWebhooks();
    await payGift();
    expect(h.receiver.attempts()).toBe(0);
    await h.emulator.releaseWebhooks('reverse');
    expect(h.newEventTypes()).toEqual(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']);
    const created = (await h.stripe.events.list()).data.map((event) => event.id);
    expect(h.receiver.deliveries.map((event) => event.id)).toEqual(created);
  });

  it('hands over held events of one type undelivered, and keeps the rest held', async () => {
    h.emulator.holdWebhooks();
    await payGift();
    const [taken, ...others] = h.emulator.takeHeldWebhooks('payment_intent.succeeded');
    expect(others).toEqual([]);
    expect(taken).toMatchObject({ type: 'payment_intent.succeeded', data: { object: { status: 'succeeded' } } });
    expect((await h.stripe.events.retrieve(String(taken?.id))).pending_webhooks).toBe(0);
    await h.emulator.releaseWebhooks();
    expect(h.newEventTypes()).toEqual(['charge.succeeded', 'checkout.session.completed']);
  });

  it('sends a delivered event again when asked, as Stripe’s retries can', async () => {
    await payGift();
    await h.emulator.webhooksSettled();
    const completed = h.receiver.deliveries.find((event) => event.type === 'checkout.session.completed') as Stripe.Event;
    await h.emulator.resendEvent(completed.id);
    expect(h.receiver.deliveries.filter((event) => event.id === completed.id)).toHaveLength(2);
    expect(h.receiver.deliveries.at(-1)).toEqual(h.receiver.deliveries.find((event) => event.id === completed.id));
  });

  it('only stores events while no webhook URL is set', async () => {
    h.emulator.setWebhookUrl(undefined);
    const customer = await h.stripe.customers.create({ email: 'quiet@example.com' });
    await h.emulator.webhooksSettled();
    expect(h.receiver.attempts()).toBe(0);
    const [event] = (await h.stripe.events.list({ type: 'customer.created' })).data;
    expect(event).toMatchObject({ pending_webhooks: 0, data: { object: { id: customer.id } } });
  });
});

/** A receiver that holds each delivery a little before answering, noting how many were in flight together and in what order they came. */
async function startSlowReceiver(secret: string) {
  const verifier = new Stripe('sk_test_verifier');
  const arrivals: Array<{ id: string; type: string; created: number; answeredBefore: string[] }> = [];
  const answered: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = verifier.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), secret);
      arrivals.push({ id: event.id, type: event.type, created: event.created, answeredBefore: [...answered] });
      setTimeout(() => {
        inFlight -= 1;
        answered.push(event.id);
        res.writeHead(200).end('{}');
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`,
    arrivals,
    mostInFlight: () => mostInFlight,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A repeatable sequence in [0, 1), so a test’s disorder and duplicates are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('the Stripe emulator can deliver webhooks as Stripe really does', () => {
  async function deliverCustomers(delivery: DeliveryOptions | undefined, count: number) {
    const h = await startEmulatorHarness({ delivery });
    const receiver = await startSlowReceiver('whsec_emulator_tests');
    h.emulator.setWebhookUrl(receiver.url);
    try {
      h.emulator.holdWebhooks();
      const created: string[] = [];
      for (let i = 0; i < count; i++) await h.stripe.customers.create({ email: `donor${i}@example.com` });
      for await (const event of h.stripe.events.list({ type: 'customer.created', limit: 100 })) created.unshift(event.id);
      await h.emulator.releaseWebhooks();
      await h.emulator.webhooksSettled();
      return { created, arrivals: [...receiver.arrivals], mostInFlight: receiver.mostInFlight() };
    } finally {
      await h.stop();
      await receiver.close();
    }
  }

  it('sends several at once, in no set order, and some twice under the same id once the first was accepted', async () => {
    const { created, arrivals, mostInFlight } = await deliverCustomers({ concurrency: 4, disorder: true, duplicates: 0.5, random: seeded(7) }, 12);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(4);
    const firsts = arrivals.filter((arrival, index) => arrivals.findIndex((other) => other.id === arrival.id) === index).map((arrival) => arrival.id);
    expect(new Set(firsts)).toEqual(new Set(created));
    expect(firsts).not.toEqual(created);
    const twice = created.filter((id) => arrivals.filter((arrival) => arrival.id === id).length === 2);
    expect(twice.length).toBeGreaterThan(0);
    expect(twice.length).toBeLessThan(created.length);
    expect(arrivals.every((arrival) => arrivals.filter((other) => other.id === arrival.id).length <= 2)).toBe(true);
    // A duplicate is sent only after the first delivery of that event was answered with a 2xx.
    for (const id of twice) {
      const second = arrivals.filter((arrival) => arrival.id === id)[1];
      expect(second?.answeredBefore).toContain(id);
    }
  });

  it('keeps to one at a time, oldest first, once, unless asked otherwise', async () => {
    const { created, arrivals, mostInFlight } = await deliverCustomers(undefined, 6);
    expect(mostInFlight).toBe(1);
    expect(arrivals.map((arrival) => arrival.id)).toEqual(created);
  });

  it('reads npm start’s STRIPE_EMULATOR_DELIVERY: Stripe’s way unless told `ordered`', () => {
    expect(deliveryFromEnv({})).toEqual(stripeLikeDelivery);
    expect(deliveryFromEnv({ STRIPE_EMULATOR_DELIVERY: 'stripe' })).toEqual(stripeLikeDelivery);
    expect(deliveryFromEnv({ STRIPE_EMULATOR_DELIVERY: 'ordered' })).toBeUndefined();
    expect(() => deliveryFromEnv({ STRIPE_EMULATOR_DELIVERY: 'sometimes' })).toThrow(/"stripe" or "ordered"/);
    expect(stripeLikeDelivery).toMatchObject({ disorder: true, concurrency: expect.any(Number), duplicates: expect.any(Number) });
    expect(stripeLikeDelivery.concurrency).toBeGreaterThan(1);
  });
});
