import request from 'supertest';
import type Stripe from 'stripe';
import { aMonthlyGiftSession, startEmulatorHarness, type EmulatorHarness } from '../support/stripe-emulator';

const day = 24 * 60 * 60;
// Any two consecutive months last at most 62 days and any three at least 89: exactly two renewals.
const twoMonths = 62 * day;

describe('the Stripe emulator runs monthly gifts as subscriptions', () => {
  // An emulator each, since moving one's clock renews every subscription in it.
  let h: EmulatorHarness;
  beforeEach(async () => {
    h = await startEmulatorHarness();
  });
  afterEach(() => h.stop());

  async function subscribe(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Subscription> {
    const session = await aMonthlyGiftSession(h.stripe, overrides);
    const paid = await h.helper<{ status: string; session: Stripe.Checkout.Session }>(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' });
    expect(paid.status).toBe('succeeded');
    await h.emulator.webhooksSettled();
    return h.stripe.subscriptions.retrieve(String(paid.session.subscription));
  }

  it('starts a monthly gift, renews it twice, and every invoice is paid with its own balance transaction', async () => {
    const subscription = await subscribe();
    expect(h.newEventTypes()).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
    expect(subscription).toMatchObject({ status: 'active', metadata: { plan_id: 'plan_1' }, currency: 'hkd' });
    const [item] = subscription.items.data;
    expect(item?.price).toMatchObject({ unit_amount: 20000, recurring: { interval: 'month', interval_count: 1 } });
    expect(item?.current_period_start).toBe(subscription.start_date);

    const first = await h.stripe.invoices.retrieve(String(subscription.latest_invoice), { expand: ['payments'] });
    expect(first).toMatchObject({ billing_reason: 'subscription_create', status: 'paid', amount_paid: 20000, amount_remaining: 0 });
    expect(first.parent).toEqual({ type: 'subscription_details', quote_details: null, subscription_details: { subscription: subscription.id, metadata: { plan_id: 'plan_1' } } });
    expect(first).not.toHaveProperty('payment_intent');
    expect(first).not.toHaveProperty('charge');
    expect(first).not.toHaveProperty('subscription');
    expect(first.lines.data[0]).toMatchObject({ amount: 20000, description: '1 × Monthly gift to speech therapy (at HK$200.00 / month)', period: { start: item?.current_period_start, end: item?.current_period_end } });
    const firstPayment = first.payments?.data[0];
    expect(firstPayment).toMatchObject({ object: 'invoice_payment', status: 'paid', amount_paid: 20000, payment: { type: 'payment_intent' } });

    const advanced = await h.helper<{ now: number; invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { seconds: twoMonths });
    expect(advanced.invoices.map((invoice) => [invoice.billing_reason, invoice.status, invoice.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 20000],
      ['subscription_cycle', 'paid', 20000],
    ]);
    await h.emulator.webhooksSettled();
    const renewal = ['customer.subscription.updated', 'invoice.created', 'invoice.finalized', 'charge.succeeded', 'payment_intent.succeeded', 'invoice.paid', 'invoice.payment_succeeded'];
    expect(h.newEventTypes()).toEqual([...renewal, ...renewal]);

    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => invoice.status)).toEqual(['paid', 'paid', 'paid']);
    const [latest, middle] = invoices.data;
    // Each renewal is dated at the end of the period it follows, by the emulator's clock.
    expect(middle?.created).toBe(item?.current_period_end);
    expect(middle?.period_start).toBe(item?.current_period_start);
    expect(latest?.lines.data[0]?.period.start).toBe(middle?.lines.data[0]?.period.end);

    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.latest_invoice).toBe(latest?.id);
    expect(renewed.items.data[0]?.current_period_start).toBe(latest?.lines.data[0]?.period.start);
    expect(advanced.now).toBeGreaterThanOrEqual(subscription.start_date + twoMonths);

    const payments = await h.stripe.invoicePayments.list({ invoice: String(latest?.id), expand: ['data.payment.payment_intent'] });
    const intent = payments.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ status: 'succeeded', amount: 20000, customer: renewed.customer, description: 'Subscription update' });
    const charge = await h.stripe.charges.retrieve(String(intent.latest_charge), { expand: ['balance_transaction'] });
    // HK$200.00 settles as is; the fee is round(20000 × 0.034) + 235.
    expect(charge.balance_transaction).toMatchObject({ type: 'charge', amount: 20000, fee: 915, net: 19085, exchange_rate: null });
    const charges = await h.stripe.charges.list({ customer: String(renewed.customer) });
    expect(charges.data).toHaveLength(3);
    const transactions = await h.stripe.balanceTransactions.list({ type: 'charge' });
    expect(transactions.data.map((transaction) => [transaction.source, transaction.amount, transaction.fee])).toEqual(charges.data.map((c) => [c.id, 20000, 915]));
  });

  it('fails a renewal once the card on file declines, then recovers on the retry after the card is fixed', async () => {
    const subscription = await subscribe();
    h.newEventTypes();
    await h.helper(`/_emulator/customers/${String(subscription.customer)}/card`, { card_number: '4000000000000002' });
    const end = subscription.items.data[0]?.current_period_end ?? 0;
    const advanced = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: end });
    const [failed] = advanced.invoices;
    expect(failed).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0, amount_remaining: 20000 });
    expect(failed?.next_payment_attempt).toBe(end + 3 * day);
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual([
      'payment_method.attached',
      'customer.updated',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    const pastDue = h.receiver.deliveries.at(-1) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(pastDue.data.object.status).toBe('past_due');
    expect(pastDue.data.previous_attributes).toEqual({ status: 'active' });

    await h.helper(`/_emulator/customers/${String(subscription.customer)}/card`, { card_number: '5555 5555 5555 4444' });
    await h.helper('/_emulator/advance_time', { seconds: 3 * day });
    const retried = await h.stripe.invoices.retrieve(String(failed?.id));
    expect(retried).toMatchObject({ status: 'paid', attempt_count: 2, next_payment_attempt: null });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    const intent = await h.stripe.paymentIntents.retrieve(String((await h.stripe.invoicePayments.list({ invoice: String(failed?.id) })).data[0]?.payment.payment_intent), { expand: ['latest_charge'] });
    expect((intent.latest_charge as Stripe.Charge).payment_method_details?.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
  });

  it('changes the amount from the next renewal, pauses and resumes collection, and cancels', async () => {
    const subscription = await subscribe();
    const item = subscription.items.data[0] as Stripe.SubscriptionItem;
    await expect(
      h.stripe.subscriptions.update(subscription.id, { items: [{ id: item.id, price_data: { currency: 'hkd', product: String(item.price.product), unit_amount: 30000, recurring: { interval: 'month' } } }] }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'proration_behavior' });

    const raised = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price_data: { currency: 'hkd', product: String(item.price.product), unit_amount: 30000, recurring: { interval: 'month' } } }],
      proration_behavior: 'none',
      metadata: { plan_id: 'plan_1', raised: 'yes' },
    });
    expect(raised.items.data[0]?.price.unit_amount).toBe(30000);
    await h.emulator.webhooksSettled();
    const updated = h.receiver.deliveries.at(-1) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(updated.type).toBe('customer.subscription.updated');
    expect(updated.request?.id).toMatch(/^req_/);
    expect(updated.data.previous_attributes).toMatchObject({ metadata: { raised: null } });
    expect((updated.data.previous_attributes?.items as Stripe.ApiList<Stripe.SubscriptionItem>).data[0]?.price.unit_amount).toBe(20000);

    const paused = await h.stripe.subscriptions.update(subscription.id, { pause_collection: { behavior: 'void' } });
    expect(paused.pause_collection).toEqual({ behavior: 'void', resumes_at: null });
    const whilePaused = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: item.current_period_end });
    expect(whilePaused.invoices.map((invoice) => [invoice.status, invoice.amount_due])).toEqual([['void', 30000]]);

    const resumed = await h.stripe.subscriptions.update(subscription.id, { pause_collection: '' });
    expect(resumed.pause_collection).toBeNull();
    const next = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: resumed.items.data[0]?.current_period_end });
    expect(next.invoices.map((invoice) => [invoice.status, invoice.amount_paid])).toEqual([['paid', 30000]]);

    const ending = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(ending.cancel_at).toBe(ending.items.data[0]?.current_period_end);
    await h.emulator.webhooksSettled();
    h.newEventTypes();
    const last = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: ending.items.data[0]?.current_period_end });
    expect(last.invoices).toEqual([]);
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['customer.subscription.deleted']);
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
    expect((await h.stripe.subscriptions.list({ customer: String(subscription.customer) })).data).toEqual([]);
  });

  it('cancels at once through the API', async () => {
    const subscription = await subscribe();
    h.newEventTypes();
    const canceled = await h.stripe.subscriptions.cancel(subscription.id, { cancellation_details: { comment: 'Moving abroad' } });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { comment: 'Moving abroad', reason: 'cancellation_requested' } });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['customer.subscription.deleted']);
    expect((await h.stripe.subscriptions.list({ status: 'canceled', customer: String(subscription.customer) })).data.map((s) => s.id)).toEqual([subscription.id]);
  });

  it('begins a subscription made through Checkout incomplete, and makes it active by an update once the first invoice is paid', async () => {
    const subscription = await subscribe();
    const events = h.receiver.deliveries.filter((event) => (event.data.object as { id?: string }).id === subscription.id);
    expect(events.map((event) => [event.type, (event.data.object as Stripe.Subscription).status])).toEqual([
      ['customer.subscription.created', 'incomplete'],
      ['customer.subscription.updated', 'active'],
    ]);
    expect(events[1]?.data.previous_attributes).toEqual({ status: 'incomplete' });
    const types = h.receiver.types();
    expect(types.indexOf('customer.subscription.updated')).toBeGreaterThan(types.indexOf('invoice.paid'));
  });

  it('makes no subscription while Checkout declines the first payment', async () => {
    const session = await aMonthlyGiftSession(h.stripe);
    const declined = await h.helper<{ status: string; session: Stripe.Checkout.Session }>(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4000000000000002' });
    expect(declined.status).toBe('declined');
    await h.emulator.webhooksSettled();
    expect(h.receiver.types()).not.toContain('customer.subscription.created');
    expect((await h.stripe.subscriptions.list({ status: 'all' })).data).toEqual([]);
  });

  it('refuses a billing portal session until a configuration is saved, with Stripe’s words', async () => {
    const subscription = await subscribe();
    const customer = String(subscription.customer);
    await expect(h.stripe.billingPortal.sessions.create({ customer, return_url: 'http://localhost:3000/account' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      message: 'You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.',
    });
    expect((await h.stripe.billingPortal.configurations.list()).data).toEqual([]);

    // A configuration made through the API is not the default: a session must name it.
    const made = await h.stripe.billingPortal.configurations.create({
      features: { payment_method_update: { enabled: true }, subscription_cancel: { enabled: false } },
      business_profile: { privacy_policy_url: 'https://example.org/privacy' },
      default_return_url: 'http://localhost:3000/account',
      metadata: { smilefund: 'card-update' },
    });
    expect(made).toMatchObject({
      object: 'billing_portal.configuration',
      active: true,
      is_default: false,
      default_return_url: 'http://localhost:3000/account',
      business_profile: { privacy_policy_url: 'https://example.org/privacy', headline: null },
      features: { payment_method_update: { enabled: true }, subscription_cancel: { enabled: false }, customer_update: { enabled: false } },
      metadata: { smilefund: 'card-update' },
    });
    await expect(h.stripe.billingPortal.sessions.create({ customer })).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('save your customer portal settings') });
    const session = await h.stripe.billingPortal.sessions.create({ customer, configuration: made.id, flow_data: { type: 'payment_method_update' } });
    expect(session).toMatchObject({ configuration: made.id, return_url: 'http://localhost:3000/account' });
    await expect(h.stripe.billingPortal.sessions.create({ customer, configuration: 'bpc_nothing' })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'configuration' });
    await expect(h.stripe.billingPortal.configurations.create({ features: { payment_method_update: { enabled: false } } })).rejects.toMatchObject({ statusCode: 400, param: 'features' });

    // Updated, listed and retrieved as Stripe does; a deactivated one serves no session.
    const updated = await h.stripe.billingPortal.configurations.update(made.id, { features: { subscription_cancel: { enabled: true, mode: 'immediately' } } });
    expect(updated.features.subscription_cancel).toMatchObject({ enabled: true, mode: 'immediately' });
    expect(updated.features.payment_method_update.enabled).toBe(true);
    expect(await h.stripe.billingPortal.configurations.retrieve(made.id)).toEqual(updated);
    await h.stripe.billingPortal.configurations.update(made.id, { active: false });
    expect((await h.stripe.billingPortal.configurations.list({ active: true })).data).toEqual([]);
    await expect(h.stripe.billingPortal.sessions.create({ customer, configuration: made.id })).rejects.toMatchObject({ statusCode: 400, param: 'configuration' });

    // Saving the settings in the Dashboard makes the default, which a session naming none uses.
    const saved = await h.helper<Stripe.BillingPortal.Configuration>('/_emulator/billing_portal/default_configuration');
    expect(saved).toMatchObject({ is_default: true, features: { payment_method_update: { enabled: true } } });
    expect((await h.stripe.billingPortal.configurations.list({ is_default: true })).data.map((c) => c.id)).toEqual([saved.id]);
    const byDefault = await h.stripe.billingPortal.sessions.create({ customer, return_url: 'http://localhost:3000/account' });
    expect(byDefault.configuration).toBe(saved.id);
    await h.emulator.webhooksSettled();
    expect(h.receiver.types().filter((type) => type.startsWith('billing_portal.configuration'))).toEqual([
      'billing_portal.configuration.created',
      'billing_portal.configuration.updated',
      'billing_portal.configuration.updated',
      'billing_portal.configuration.created',
    ]);
  });

  it('lets the donor replace the card in the billing portal, and renewals charge the new card', async () => {
    const subscription = await subscribe();
    await h.helper('/_emulator/billing_portal/default_configuration');
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: String(subscription.customer),
      return_url: 'http://localhost:3000/account',
      flow_data: { type: 'payment_method_update' },
    });
    expect(portal.url).toBe(`${h.emulator.url}/billing/${portal.id}`);
    const page = await request(h.emulator.url).get(`/billing/${portal.id}`).expect(200);
    expect(page.text).toContain('<label for="card_number">Card number</label>');
    expect(page.text).toContain('<button type="submit">Update card</button>');
    const updated = await request(h.emulator.url).post(`/billing/${portal.id}`).type('form').send({ card_number: '5555555555554444' }).expect(303);
    expect(updated.headers.location).toBe('http://localhost:3000/account');

    const customer = (await h.stripe.customers.retrieve(String(subscription.customer))) as Stripe.Customer;
    const method = await h.stripe.paymentMethods.retrieve(String(customer.invoice_settings.default_payment_method));
    expect(method.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    const renewed = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: subscription.items.data[0]?.current_period_end });
    const payment = await h.stripe.invoicePayments.list({ invoice: String(renewed.invoices[0]?.id), expand: ['data.payment.payment_intent.latest_charge'] });
    const charge = (payment.data[0]?.payment.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    expect(charge.payment_method_details?.card?.last4).toBe('4444');
  });

  it('refuses wallets in subscription mode, as Stripe does', async () => {
    await expect(aMonthlyGiftSession(h.stripe, { allowed_payment_method_types: ['card', 'alipay'] })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'allowed_payment_method_types[1]',
    });
  });
});
