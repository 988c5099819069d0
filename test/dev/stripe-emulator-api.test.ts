import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { startStripeEmulator } from '../../dev/stripe-emulator/index';
import { aGiftSession, aMonthlyGiftSession, startEmulatorHarness, type EmulatorHarness } from '../support/stripe-emulator';
import { testNow } from '../support/clock';

describe('the Stripe emulator’s API answers as Stripe does', () => {
  let h: EmulatorHarness;
  beforeAll(async () => {
    h = await startEmulatorHarness();
  });
  afterAll(() => h.stop());

  const raw = (pathname: string, init: RequestInit = {}) =>
    fetch(`${h.emulator.url}${pathname}`, { ...init, headers: { Authorization: `Bearer ${h.emulator.secretKey}`, ...(init.headers ?? {}) } });

  it('refuses an unknown parameter, naming it, however deep', async () => {
    await expect(h.stripe.customers.create({ email: 'a@example.com', favourite_colour: 'blue' } as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'favourite_colour',
      message: 'Received unknown parameter: favourite_colour',
    });
    await expect(
      aGiftSession(h.stripe, { line_items: [{ price_data: { currency: 'cny', unit_amount: 100, product_data: { name: 'Gift', colour: 'red' } as never }, quantity: 1 }] }),
    ).rejects.toMatchObject({ param: 'line_items[0][price_data][product_data][colour]' });
    await expect(aGiftSession(h.stripe, { payment_method_types: ['card'] } as never)).rejects.toMatchObject({
      param: 'payment_method_types',
      message: 'Received unknown parameter: payment_method_types. Did you mean allowed_payment_method_types?',
    });
  });

  it('refuses missing and malformed parameters with Stripe’s messages', async () => {
    await expect(aGiftSession(h.stripe, { line_items: [{ price_data: { currency: 'cny', unit_amount: 100, product_data: { name: 'Gift' } } }] })).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'line_items[0][quantity]',
      message: 'Missing required param: line_items[0][quantity].',
    });
    await expect(aGiftSession(h.stripe, { mode: 'setup' })).rejects.toMatchObject({ param: 'mode', message: 'Invalid mode: must be one of payment or subscription' });
    await expect(h.stripe.refunds.create({ charge: 'ch_missing', amount: 'ten' as never })).rejects.toMatchObject({ param: 'amount', message: 'Invalid integer: ten' });
    await expect(aGiftSession(h.stripe, { line_items: [{ price_data: { currency: 'eur', unit_amount: 100, product_data: { name: 'Gift' } }, quantity: 1 }] })).rejects.toMatchObject({
      param: 'line_items[0][price_data][currency]',
    });
    await expect(aGiftSession(h.stripe, { locale: 'zh-CN' as never })).rejects.toMatchObject({ param: 'locale' });
  });

  it('answers an unknown URL, an unknown id and a bad key as Stripe does', async () => {
    const unknownUrl = await raw('/v1/gifts');
    expect(unknownUrl.status).toBe(404);
    expect(await unknownUrl.json()).toEqual({
      error: { type: 'invalid_request_error', message: 'Unrecognized request URL (GET: /v1/gifts). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.' },
    });
    await expect(h.stripe.customers.retrieve('cus_nobody')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing', param: 'id', message: "No such customer: 'cus_nobody'" });

    const noKey = await fetch(`${h.emulator.url}/v1/customers`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    const wrongKey = new Stripe('sk_test_wrong_key_1234', { host: '127.0.0.1', port: h.emulator.port, protocol: 'http' });
    await expect(wrongKey.customers.list()).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401, message: 'Invalid API Key provided: sk_test_**********1234' });
    const customer = await h.stripe.customers.create({ email: 'expand@example.com' });
    await expect(h.stripe.customers.retrieve(customer.id, { expand: ['email'] })).rejects.toMatchObject({ statusCode: 400, message: 'This property cannot be expanded (email).' });
  });

  it('replays an idempotent request and refuses the same key with other parameters', async () => {
    const first = await h.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'create-once' });
    const again = await h.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'create-once' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(h.stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'create-once' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      statusCode: 400,
    });
    expect((await h.stripe.customers.list({ email: 'once@example.com' })).data).toHaveLength(1);

    // A request refused for its parameters never ran, so the key is still free for the corrected one.
    await expect(h.stripe.customers.create({ email: 'fixed@example.com', typo: 1 } as never, { idempotencyKey: 'fix-me' })).rejects.toMatchObject({ statusCode: 400 });
    const fixed = await h.stripe.customers.create({ email: 'fixed@example.com' }, { idempotencyKey: 'fix-me' });
    expect(fixed.email).toBe('fixed@example.com');

    await h.emulator.webhooksSettled();
    const created = h.receiver.deliveries.find((event) => event.type === 'customer.created' && event.data.object.id === first.id);
    expect(created?.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: 'create-once' });
  });

  it('lists events newest first, a page at a time, filtered by type and time', async () => {
    const emails = ['e1@example.com', 'e2@example.com', 'e3@example.com', 'e4@example.com', 'e5@example.com'];
    for (const email of emails) await h.stripe.customers.create({ email });
    const customerEvents = await h.stripe.events.list({ type: 'customer.created', limit: 100 });
    const newest = customerEvents.data.slice(0, 5).map((event) => (event.data.object as Stripe.Customer).email);
    expect(newest).toEqual([...emails].reverse());

    const firstPage = await h.stripe.events.list({ type: 'customer.created', limit: 2 });
    expect(firstPage).toMatchObject({ object: 'list', has_more: true, url: '/v1/events' });
    const secondPage = await h.stripe.events.list({ type: 'customer.created', limit: 2, starting_after: firstPage.data[1]?.id });
    expect(secondPage.data.map((event) => event.id)).toEqual(customerEvents.data.slice(2, 4).map((event) => event.id));
    const back = await h.stripe.events.list({ type: 'customer.created', limit: 2, ending_before: secondPage.data[0]?.id });
    expect(back.data.map((event) => event.id)).toEqual(firstPage.data.map((event) => event.id));

    const all: string[] = [];
    for await (const event of h.stripe.events.list({ types: ['customer.created', 'customer.updated'], limit: 3 })) all.push(event.id);
    expect(all).toEqual((await h.stripe.events.list({ types: ['customer.created', 'customer.updated'], limit: 100 })).data.map((event) => event.id));
    expect((await h.stripe.events.list({ type: 'customer.*', limit: 100 })).data.length).toBe(all.length);

    const latest = customerEvents.data[0] as Stripe.Event;
    const sinceLatest = await h.stripe.events.list({ created: { gte: latest.created }, limit: 100 });
    expect(sinceLatest.data.every((event) => event.created >= latest.created)).toBe(true);
    expect((await h.stripe.events.list({ created: { gt: latest.created } })).data).toEqual([]);
    expect(await h.stripe.events.retrieve(latest.id)).toMatchObject({ id: latest.id, object: 'event', api_version: Stripe.API_VERSION, livemode: false });
  });

  it('deletes a customer as Stripe does: its subscriptions end, and a retrieve answers with the stub', async () => {
    const session = await aMonthlyGiftSession(h.stripe, { customer_email: 'leaving@example.com' });
    const paid = await h.helper<{ session: Stripe.Checkout.Session }>(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' });
    const customerId = String(paid.session.customer);
    await h.emulator.webhooksSettled();
    const before = h.receiver.deliveries.length;

    const deleted = await h.stripe.customers.del(customerId);
    expect(deleted).toEqual(expect.objectContaining({ id: customerId, object: 'customer', deleted: true }));
    await h.emulator.webhooksSettled();
    const events = h.receiver.deliveries.slice(before);
    expect(events.map((event) => event.type)).toEqual(['customer.subscription.deleted', 'customer.deleted']);
    expect(events[1]?.data.object).toMatchObject({ id: customerId, email: 'leaving@example.com' });
    expect((await h.stripe.subscriptions.retrieve(String(paid.session.subscription))).status).toBe('canceled');

    expect(await h.stripe.customers.retrieve(customerId)).toEqual(expect.objectContaining({ id: customerId, object: 'customer', deleted: true }));
    expect((await h.stripe.customers.list({ email: 'leaving@example.com' })).data).toEqual([]);
    await expect(h.stripe.customers.del(customerId)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(h.stripe.customers.update(customerId, { name: 'Back again' })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(h.stripe.billingPortal.sessions.create({ customer: customerId })).rejects.toMatchObject({ statusCode: 404, param: 'customer' });
  });
});

describe('the Stripe emulator’s state file', () => {
  it('keeps events for 30 days, as Stripe does: older ones are neither listed nor retrieved', async () => {
    const emulator = await startStripeEmulator({ clockStart: testNow });
    try {
      const stripe = new Stripe(emulator.secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
      await stripe.customers.create({ email: 'old@example.com' });
      const [old] = (await stripe.events.list({ type: 'customer.created' })).data;
      expect(old).toBeDefined();
      const advance = (seconds: number) =>
        fetch(`${emulator.url}/_emulator/advance_time`, { method: 'POST', headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ seconds }) });
      expect((await advance(29 * 86400)).status).toBe(200);
      expect((await stripe.events.retrieve(old!.id)).id).toBe(old!.id);
      expect((await advance(2 * 86400)).status).toBe(200);
      await stripe.customers.create({ email: 'new@example.com' });
      expect((await stripe.events.list({ type: 'customer.created' })).data.map((e) => (e.data.object as Stripe.Customer).email)).toEqual(['new@example.com']);
      await expect(stripe.events.retrieve(old!.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    } finally {
      await emulator.stop();
    }
  });

  it('keeps objects and the clock across a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smilefund-stripe-'));
    const stateFile = path.join(dir, 'stripe.json');
    try {
      const first = await startStripeEmulator({ stateFile, clockStart: testNow });
      const stripe = new Stripe(first.secretKey, { host: '127.0.0.1', port: first.port, protocol: 'http' });
      const customer = await stripe.customers.create({ email: 'kept@example.com' });
      const configuration = await stripe.billingPortal.configurations.create({ features: { payment_method_update: { enabled: true } }, metadata: { smilefund: 'card-update' } });
      // Within the 30 days Stripe keeps events, so the event listed below is still there.
      const moved = await fetch(`${first.url}/_emulator/advance_time`, { method: 'POST', headers: { Authorization: `Bearer ${first.secretKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ seconds: 86400 * 20 }) });
      const { now } = (await moved.json()) as { now: number };
      await first.stop();

      const second = await startStripeEmulator({ stateFile });
      const again = new Stripe(second.secretKey, { host: '127.0.0.1', port: second.port, protocol: 'http' });
      expect(await again.customers.retrieve(customer.id)).toMatchObject({ email: 'kept@example.com' });
      expect(await again.billingPortal.configurations.retrieve(configuration.id)).toEqual(configuration);
      expect((await again.billingPortal.sessions.create({ customer: customer.id, configuration: configuration.id, return_url: 'http://localhost:3000/account' })).configuration).toBe(configuration.id);
      expect((await again.events.list({ type: 'customer.created' })).data.map((event) => (event.data.object as Stripe.Customer).id)).toEqual([customer.id]);
      const later = await again.customers.create({ email: 'later@example.com' });
      expect(later.created).toBeGreaterThanOrEqual(now);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
