import Stripe from 'stripe';
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
