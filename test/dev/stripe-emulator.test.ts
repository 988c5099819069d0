import request from 'supertest';
import type Stripe from 'stripe';
import { aGiftSession, startEmulatorHarness, type EmulatorHarness } from '../support/stripe-emulator';

describe('the Stripe emulator takes a one-off gift through Checkout', () => {
  let h: EmulatorHarness;
  beforeAll(async () => {
    h = await startEmulatorHarness();
  });
  afterAll(() => h.stop());
  beforeEach(async () => {
    await h.emulator.webhooksSettled();
    h.newEventTypes();
  });

  it('pays a card gift through the helper endpoint and tells the platform in Stripe’s order', async () => {
    const session = await aGiftSession(h.stripe);
    expect(session.url).toBe(`${h.emulator.url}/pay/${session.id}`);
    expect(session.payment_intent).toBeNull();

    const paid = await h.helper<{ status: string; session: Stripe.Checkout.Session }>(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242 4242 4242 4242' });
    expect(paid.status).toBe('succeeded');
    expect(paid.session).toMatchObject({ status: 'complete', payment_status: 'paid', metadata: { gift_id: 'gift_1' } });

    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed']);
    expect(h.receiver.rejected).toEqual([]);

    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge.balance_transaction', 'line_items'] });
    const intent = done.payment_intent as Stripe.PaymentIntent;
    const charge = intent.latest_charge as Stripe.Charge;
    const transaction = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(intent).toMatchObject({ status: 'succeeded', amount: 10000, currency: 'cny', metadata: { gift_id: 'gift_1' }, description: 'Gift to Happy Smile' });
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, amount: 10000, payment_intent: intent.id, metadata: { gift_id: 'gift_1' } });
    expect(charge.payment_method_details).toMatchObject({ type: 'card', card: { brand: 'visa', last4: '4242' } });
    expect(transaction).toMatchObject({ type: 'charge', reporting_category: 'charge', source: charge.id, currency: 'hkd', amount: 10850, exchange_rate: 1.085 });
    expect(done.line_items?.data).toEqual([expect.objectContaining({ description: 'Happy Smile mission, May round', amount_total: 10000, quantity: 1 })]);
    expect(done.customer_details?.email).toBe('donor@example.com');

    const completed = h.receiver.deliveries.find((event) => event.type === 'checkout.session.completed' && event.data.object.id === session.id);
    expect(completed).toMatchObject({ api_version: '2026-10-28.endive', livemode: false, request: { id: null, idempotency_key: null } });
  });

  it('converts to the settlement currency and takes 3.4% + HK$2.35 exactly, in minor units', async () => {
    expect(await h.helper('/_emulator/rates')).toEqual({ settlement_currency: 'hkd', rates: { cny: '1.0850', usd: '7.8000', hkd: '1' } });
    const paid = async (currency: string, unit_amount: number) => {
      const session = await aGiftSession(h.stripe, { line_items: [{ price_data: { currency, unit_amount, product_data: { name: 'Gift' } }, quantity: 1 }] });
      await h.helper(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' });
      const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge.balance_transaction'] });
      return ((done.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction;
    };
    // CNY 100.00 at 1.0850 is HK$108.50; the fee is round(10850 × 0.034) + 235 = 369 + 235.
    expect(await paid('cny', 10000)).toMatchObject({ amount: 10850, fee: 604, net: 10246, exchange_rate: 1.085 });
    // US$12.34 at 7.8 is HK$96.252, rounded half up to 9625; fee round(327.25) + 235 = 562.
    expect(await paid('usd', 1234)).toMatchObject({ amount: 9625, fee: 562, net: 9063 });
    // ¥0.15 at 1.085 is 16.275 fen of HKD → 16; fee round(0.544) + 235 = 236.
    expect(await paid('cny', 15)).toMatchObject({ amount: 16, fee: 236, net: -220 });
    // Already in HKD: no conversion, no rate; fee round(1700) + 235.
    expect(await paid('hkd', 50000)).toMatchObject({ amount: 50000, fee: 1935, net: 48065, exchange_rate: null });
  });

  it('takes the gift through the hosted HTML page, as a donor’s browser would', async () => {
    const session = await aGiftSession(h.stripe);
    const page = await request(h.emulator.url).get(`/pay/${session.id}`).expect(200);
    expect(page.text).toContain('Smilefund test payment');
    expect(page.text).toMatch(/<label for="card_number">Card number<\/label>/);
    expect(page.text).toMatch(/<button type="submit">Pay<\/button>/);
    expect(page.text).toContain('CN¥100.00');
    expect(page.text).toContain('Happy Smile mission, May round');
    expect(page.text).toContain('href="http://localhost:3000/campaigns/happy-smile"');

    const unknown = await request(h.emulator.url).post(`/pay/${session.id}`).type('form').send({ card_number: '1234 5678 9012 3456' }).expect(400);
    expect(unknown.text).toContain('Use a test card such as 4242 4242 4242 4242.');

    const paid = await request(h.emulator.url).post(`/pay/${session.id}`).type('form').send({ card_number: '4242424242424242' }).expect(303);
    expect(paid.headers.location).toBe(`http://localhost:3000/gifts/thanks?session=${session.id}`);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed']);
  });

  it('speaks Simplified Chinese when the session’s locale is zh, and escapes what the platform sends', async () => {
    const session = await aGiftSession(h.stripe, {
      locale: 'zh',
      line_items: [{ price_data: { currency: 'cny', unit_amount: 5000, product_data: { name: '<script>alert(1)</script>微笑行动' } }, quantity: 1 }],
    });
    const page = await request(h.emulator.url).get(`/pay/${session.id}`).expect(200);
    expect(page.text).toContain('<label for="card_number">卡号</label>');
    expect(page.text).toContain('<button type="submit">支付</button>');
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;微笑行动');
  });

  it('declines the decline card, re-renders the page and lets the donor try again on the same PaymentIntent', async () => {
    const session = await aGiftSession(h.stripe);
    const declined = await request(h.emulator.url).post(`/pay/${session.id}`).type('form').send({ card_number: '4000 0000 0000 0002' }).expect(402);
    expect(declined.text).toContain('Your card was declined.');
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.failed', 'payment_intent.payment_failed']);
    const failed = h.receiver.deliveries.at(-1)?.data.object as Stripe.PaymentIntent;
    expect(failed).toMatchObject({ status: 'requires_payment_method', metadata: { gift_id: 'gift_1' }, last_payment_error: { code: 'card_declined', decline_code: 'generic_decline' } });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');

    const retried = await h.helper<{ status: string; session: Stripe.Checkout.Session }>(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' });
    expect(retried.status).toBe('succeeded');
    expect(retried.session.payment_intent).toBe(failed.id);
    const charges = await h.stripe.charges.list({ payment_intent: failed.id });
    expect(charges.data.map((charge) => charge.status)).toEqual(['succeeded', 'failed']);
  });

  it('completes an Alipay gift asynchronously: completed unpaid, then async_payment_succeeded', async () => {
    const session = await aGiftSession(h.stripe, { allowed_payment_method_types: ['card', 'alipay'] });
    const page = await request(h.emulator.url).get(`/pay/${session.id}`).expect(200);
    expect(page.text).toContain('value="alipay"');
    expect(page.text).not.toContain('value="wechat_pay"');

    const paid = await h.helper<{ status: string; session: Stripe.Checkout.Session }>(`/_emulator/checkout/sessions/${session.id}/pay`, { payment_method: 'alipay' });
    expect(paid).toMatchObject({ status: 'processing', session: { status: 'complete', payment_status: 'unpaid' } });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual([
      'payment_intent.processing',
      'checkout.session.completed',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.async_payment_succeeded',
    ]);
    const settled = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
    expect(settled.payment_status).toBe('paid');
    expect(((settled.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge).payment_method_details?.type).toBe('alipay');
  });

  it('takes WeChat Pay only with its web client option, and settles it a moment later', async () => {
    await expect(aGiftSession(h.stripe, { allowed_payment_method_types: ['wechat_pay'] })).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'payment_method_options[wechat_pay][client]',
    });
    const session = await aGiftSession(h.stripe, { allowed_payment_method_types: ['card', 'wechat_pay'], payment_method_options: { wechat_pay: { client: 'web' } } });
    expect(session.payment_method_types).toEqual(['card', 'wechat_pay']);
    const page = await request(h.emulator.url).get(`/pay/${session.id}`).expect(200);
    expect(page.text).toContain('<button type="submit" name="payment_method" value="wechat_pay">WeChat Pay</button>');
    const redirected = await request(h.emulator.url).post(`/pay/${session.id}`).type('form').send({ payment_method: 'wechat_pay' }).expect(303);
    expect(redirected.headers.location).toContain(session.id);
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes().at(-1)).toBe('checkout.session.async_payment_succeeded');
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
  });

  it('refuses return URLs a browser should not follow', async () => {
    await expect(aGiftSession(h.stripe, { cancel_url: 'javascript:alert(1)' })).rejects.toMatchObject({ param: 'cancel_url', message: 'Not a valid URL' });
  });

  it('records a payment made outside Checkout, as a Payment Link or the Dashboard would', async () => {
    const intent = await h.helper<Stripe.PaymentIntent>('/_emulator/payment_intents', { amount: 30000, currency: 'usd', metadata: { source: 'payment_link' }, receipt_email: 'walkin@example.com', description: 'Gala table' });
    expect(intent).toMatchObject({ status: 'succeeded', amount: 30000, currency: 'usd', metadata: { source: 'payment_link' }, receipt_email: 'walkin@example.com' });
    const charge = await h.stripe.charges.retrieve(String(intent.latest_charge), { expand: ['balance_transaction'] });
    expect(charge.balance_transaction).toMatchObject({ amount: 234000, currency: 'hkd', fee: 7956 + 235, exchange_rate: 7.8 });
    expect((await h.stripe.checkout.sessions.list({ payment_intent: intent.id })).data).toEqual([]);
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
  });

  it('expires a session on request and tells the platform', async () => {
    const session = await aGiftSession(h.stripe);
    const expired = await h.stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await expect(h.helper(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' })).rejects.toMatchObject({ status: 400 });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['checkout.session.expired']);
  });
});
