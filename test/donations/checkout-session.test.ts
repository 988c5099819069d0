import { signToken } from '../../server/http/signed-links';
import request from 'supertest';
import type Stripe from 'stripe';
import { checkoutSessionParams, createCheckoutSession } from '../../server/donations/checkout';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { demoRounds } from '../../dev/seed';
import { testNow } from '../support/clock';

/** The session and its one line item, as Stripe holds them. */
async function sessionWithItem(h: GivingHarness, sessionId: string) {
  const session = await h.stripe.checkout.sessions.retrieve(sessionId);
  const items = await h.stripe.checkout.sessions.listLineItems(sessionId, { expand: ['data.price'] });
  expect(items.data).toHaveLength(1);
  return { session, item: items.data[0]!, price: items.data[0]!.price as Stripe.Price };
}

describe('the Checkout Session a gift sends the donor to', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('for a one-off gift: a donation payment, tied to our donation by id, that carries it to the PaymentIntent', async () => {
    const { donation, sessionId, response } = await h.give('speech-therapy-fund', aDonor({ amount: '250.50', currency: 'HKD', email: 'mei.chan@example.com' }));
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`${h.emulator.url}/pay/${sessionId}`);
    expect(sessionId).toMatch(/^cs_\w+$/);

    const { session, item, price } = await sessionWithItem(h, sessionId);
    expect(session).toMatchObject({
      id: sessionId,
      mode: 'payment',
      submit_type: 'donate',
      status: 'open',
      client_reference_id: donation.id,
      metadata: { donation_id: donation.id, campaign: 'speech-therapy-fund' },
      customer: null,
      customer_email: 'mei.chan@example.com',
      customer_creation: 'always',
      amount_total: 25_050,
      currency: 'hkd',
      locale: 'en',
      allowed_payment_method_types: null,
      payment_method_types: ['card'],
      success_url: `${h.url}/donations/thanks?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${h.url}/campaigns/speech-therapy-fund?retry=${signToken(h.config.sessionSecret, 'retry', donation.id)}#give`,
    });
    expect(session.metadata).not.toHaveProperty('plan_id');
    expect(item).toMatchObject({ quantity: 1, amount_total: 25_050, currency: 'hkd', description: 'Gift to Speech therapy fund' });
    expect(price).toMatchObject({ unit_amount: 25_050, currency: 'hkd', recurring: null, type: 'one_time' });
    expect(donation).toMatchObject({ status: 'pending', stripe_checkout_session_id: sessionId, frequency: 'once', recurring_plan_id: null });

    const paid = await h.pay(sessionId);
    expect(paid.status).toBe('succeeded');
    const completed = await h.stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] });
    const intent = completed.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      amount: 25_050,
      currency: 'hkd',
      status: 'succeeded',
      description: 'Gift to Speech therapy fund',
      metadata: { donation_id: donation.id, campaign: 'speech-therapy-fund' },
    });
    await h.settle();
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded', stripe_payment_intent_id: intent.id });
  });

  it('for a monthly gift: a subscription billed every month, whose subscription names the donation and the plan', async () => {
    const { donation, sessionId } = await h.give(demoRounds(testNow).open.slug, aDonor({ amount: '300', currency: 'CNY', frequency: 'month' }));
    expect(donation.recurring_plan_id).toEqual(expect.any(String));
    const plan = await h.database.db.selectFrom('recurring_plans').selectAll().where('id', '=', donation.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ amount: 30_000, currency: 'CNY', interval: 'month', status: 'incomplete', donor_id: donation.donor_id });

    const { session, item, price } = await sessionWithItem(h, sessionId);
    const metadata = { donation_id: donation.id, plan_id: plan.id };
    expect(session).toMatchObject({ mode: 'subscription', submit_type: null, client_reference_id: donation.id, metadata, customer_creation: null, amount_total: 30_000, currency: 'cny' });
    expect(session.allowed_payment_method_types).toBeNull();
    expect(item.description).toMatch(/^Monthly gift to Happy Smile: \w+ \d{4} mission$/);
    expect(price).toMatchObject({ unit_amount: 30_000, currency: 'cny', type: 'recurring', recurring: expect.objectContaining({ interval: 'month', interval_count: 1 }) });

    await h.pay(sessionId);
    const completed = await h.stripe.checkout.sessions.retrieve(sessionId);
    const subscription = await h.stripe.subscriptions.retrieve(String(completed.subscription));
    expect(subscription.metadata).toMatchObject(metadata);
    expect(subscription.items.data[0]!.price.recurring).toMatchObject({ interval: 'month', interval_count: 1 });
    await h.settle();
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded' });
  });

  it('for a yearly gift: billed every year', async () => {
    const { sessionId } = await h.give('general', aDonor({ amount: '120', currency: 'USD', frequency: 'year' }));
    const { session, item, price } = await sessionWithItem(h, sessionId);
    expect(session.mode).toBe('subscription');
    expect(item.description).toBe('Yearly gift to General fund');
    expect(price.recurring).toMatchObject({ interval: 'year', interval_count: 1 });
  });

  it('the same form posted twice is two attempts: two donations, each with its own session', async () => {
    const form = aDonor({ amount: '88', currency: 'HKD', email: 'twice@example.com', name: 'Twice' });
    const first = await h.give('general', form);
    const second = await h.give('general', form);
    expect(second.donation.id).not.toBe(first.donation.id);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.donation.donor_id).toBe(first.donation.donor_id);
    const sessions = await Promise.all([first, second].map(({ sessionId }) => h.stripe.checkout.sessions.retrieve(sessionId)));
    expect(sessions.map((s) => s.client_reference_id)).toEqual([first.donation.id, second.donation.id]);
    expect(sessions.map((s) => s.status)).toEqual(['open', 'open']);
  });

  it('the idempotency key is per donation: asking again for the same donation gets the same session back', async () => {
    const { donation, sessionId } = await h.give('general', aDonor({ amount: '42', currency: 'USD', email: 'again@example.com' }));
    const campaign = await h.database.db.selectFrom('campaigns').selectAll().where('slug', '=', 'general').executeTakeFirstOrThrow();
    const params = checkoutSessionParams(donation, campaign, 'again@example.com', { baseUrl: h.url, wallets: [], retryToken: signToken(h.config.sessionSecret, 'retry', donation.id) });
    const again = await createCheckoutSession(h.stripe, params);
    expect(again.id).toBe(sessionId);
    expect((again as Stripe.Response<Stripe.Checkout.Session>).lastResponse.headers['idempotent-replayed']).toBe('true');
    const listed = await h.stripe.checkout.sessions.list({ limit: 100 });
    expect(listed.data.filter((s) => s.client_reference_id === donation.id)).toHaveLength(1);
  });

  it('for a Hong Kong donor: Checkout in Traditional Chinese, the gift named by the campaign’s Traditional title', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '300', currency: 'HKD', locale: 'zh-HK' }));
    expect(donation.locale).toBe('zh-HK');
    const { session, item } = await sessionWithItem(h, sessionId);
    expect(session.locale).toBe('zh-HK');
    expect(item.description).toBe('捐款支持言語治療基金');

    const monthly = await h.give('speech-therapy-fund', aDonor({ amount: '300', currency: 'HKD', frequency: 'month', locale: 'zh-HK' }));
    expect((await sessionWithItem(h, monthly.sessionId)).item.description).toBe('每月捐款支持言語治療基金');
  });

  it('for a Hong Kong donor to a campaign titled in Simplified Chinese only: the title converted, not the English one', async () => {
    await h.database.db.updateTable('campaigns').set({ title: { en: 'General fund', 'zh-CN': '综合基金' } }).where('slug', '=', 'general').execute();
    const { sessionId } = await h.give('general', aDonor({ amount: '50', currency: 'USD', locale: 'zh-HK' }));
    expect((await sessionWithItem(h, sessionId)).item.description).toBe('捐款支持綜合基金');
    const simplified = await h.give('general', aDonor({ amount: '50', currency: 'USD', locale: 'zh-CN' }));
    const { session, item } = await sessionWithItem(h, simplified.sessionId);
    expect([session.locale, item.description]).toEqual(['zh', '捐款支持综合基金']);
  });

  it('keeps a name whatever stray control characters came with it', async () => {
    const { donation } = await h.give('general', aDonor({ name: 'Mei\u0000 Chan' }));
    expect(donation.donor_name).toBe('Mei Chan');
  });
});

describe('Alipay and WeChat Pay, when the account offers them', () => {
  let h: GivingHarness;
  let slug: string;
  beforeAll(async () => {
    h = await startGivingHarness({ config: { stripe: { wallets: ['alipay', 'wechat_pay'] } } });
    slug = demoRounds(testNow).open.slug;
  });
  afterAll(() => h.stop());

  it.each(['CNY', 'HKD'])('are offered beside cards for a one-off %s gift', async (currency) => {
    const { sessionId } = await h.give(slug, aDonor({ amount: '300', currency }));
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.allowed_payment_method_types).toEqual(['card', 'alipay', 'wechat_pay']);
    expect(session.payment_method_types).toEqual(['card', 'alipay', 'wechat_pay']);
    expect(session.payment_method_options).toMatchObject({ wechat_pay: { client: 'web' } });
  });

  it('are not offered for a one-off USD gift', async () => {
    const { sessionId } = await h.give(slug, aDonor({ amount: '30', currency: 'USD' }));
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.allowed_payment_method_types).toBeNull();
    expect(session.payment_method_types).toEqual(['card']);
  });

  it.each([
    ['month', 'CNY'],
    ['year', 'HKD'],
    ['month', 'USD'],
  ])('are not offered for a gift every %s in %s', async (frequency, currency) => {
    const { sessionId } = await h.give(slug, aDonor({ amount: '300', currency, frequency }));
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.mode).toBe('subscription');
    expect(session.allowed_payment_method_types).toBeNull();
    expect(session.payment_method_types).toEqual(['card']);
  });

  it('a gift paid with Alipay is recorded as such once it settles', async () => {
    const { donation, sessionId } = await h.give(slug, aDonor({ amount: '500', currency: 'CNY' }));
    const paid = await h.helper<{ status: string }>(`/_emulator/checkout/sessions/${sessionId}/pay`, { payment_method: 'alipay' });
    expect(paid.status).toBe('processing');
    // settle() also waits for the wallet's confirmation, which Stripe sends a moment later.
    await h.settle();
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded', payment_method: 'alipay' });
    const thanks = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(thanks.text).toContain('Confirmed');
  });
});

describe('with one wallet only', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ config: { stripe: { wallets: ['alipay'] } } });
  });
  afterAll(() => h.stop());

  it('offers that wallet and asks nothing about WeChat Pay', async () => {
    const { sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '300', currency: 'HKD' }));
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.allowed_payment_method_types).toEqual(['card', 'alipay']);
    expect(session.payment_method_options).toEqual({});
  });
});
