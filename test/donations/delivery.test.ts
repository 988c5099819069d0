// Stripe's deliveries as they really come: twice, out of order, forged, for payments we never started,
// and while Redis could not take the job.
import { Redis } from 'ioredis';
import request from 'supertest';
import type Stripe from 'stripe';
import { signatureHeader } from '../../dev/stripe-emulator/webhooks';
import { startWorker } from '../../jobs/worker';
import { totalsOf } from '../../server/campaigns/totals';
import { closeContext, openContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { applyStripeEvent, sweepStripeEvents } from '../../server/webhooks/events';
import { stripeEventHandlers } from '../../server/webhooks/handlers';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { testNow } from '../support/clock';

const day = 24 * 60 * 60;
const appliedTypes = Object.keys(stripeEventHandlers);
const twoMonths = 62 * day;

/** What donors and finance can see, without the columns that only say when a row was last touched. */
async function outcome(h: GivingHarness) {
  const { db } = h.database;
  const donations = await db
    .selectFrom('donations')
    .select(['id', 'campaign_id', 'donor_id', 'recurring_plan_id', 'status', 'origin', 'amount', 'currency', 'payment_method', 'stripe_payment_intent_id', 'stripe_charge_id', 'stripe_invoice_id', 'succeeded_at'])
    .orderBy('id')
    .execute();
  const plans = await db.selectFrom('recurring_plans').select(['id', 'donor_id', 'status', 'amount', 'currency', 'interval', 'stripe_subscription_id', 'canceled_at']).orderBy('id').execute();
  const ledger = await db.selectFrom('ledger_entries').selectAll().orderBy('id').execute();
  const donors = await db.selectFrom('donors').select(['id', 'email', 'stripe_customer_id']).orderBy('id').execute();
  const campaigns = await db.selectFrom('campaigns').select(['id', 'target_currency', 'closed_at', 'ends_at']).orderBy('id').execute();
  const totals = await Promise.all(campaigns.map((c) => totalsOf(db, c)));
  return { donations, plans, ledger, donors, totals };
}

const campaignApi = async (h: GivingHarness, slug: string) => (await request(h.url).get(`/api/campaigns/${slug}`).expect(200)).body as Record<string, unknown>;

describe('Stripe delivering the same event more than once', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
    // A one-off gift partly refunded, and a monthly gift renewed twice, of which the first payment is disputed and won.
    const once = await h.give('speech-therapy-fund', aDonor({ amount: '300' }));
    await h.pay(once.sessionId);
    const monthly = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month', email: 'wing.lee@example.com', name: 'Wing Lee' }));
    await h.pay(monthly.sessionId);
    await h.settle();
    await h.stripe.refunds.create({ payment_intent: (await h.donation(once.donation.id)).stripe_payment_intent_id!, amount: 5000 });
    const dispute = await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: (await h.donation(monthly.donation.id)).stripe_charge_id });
    await h.helper(`/_emulator/disputes/${dispute.id}/close`, { outcome: 'won' });
    await h.helper('/_emulator/advance_time', { seconds: twoMonths });
    await h.settle();
  });
  afterAll(() => h.stop());

  it('changes nothing: the same rows, the same totals, one stored event per id', async () => {
    const before = await outcome(h);
    const apiBefore = await campaignApi(h, 'speech-therapy-fund');
    expect(before.donations.map((d) => d.status).sort()).toEqual(['partially_refunded', 'succeeded', 'succeeded', 'succeeded']);
    expect(before.ledger.map((e) => e.kind).sort()).toEqual(['dispute', 'dispute_won', 'gift', 'gift', 'gift', 'gift', 'refund']);
    const events = await h.database.db.selectFrom('stripe_events').select('id').execute();
    expect(events.length).toBeGreaterThan(20);

    // Every event again, all at once, as Stripe's retries might bring them.
    await Promise.all(events.map((e) => h.emulator.resendEvent(e.id)));
    await h.settle();

    expect(await outcome(h)).toEqual(before);
    const stored = await h.database.db.selectFrom('stripe_events').select(['id', 'processed_at']).execute();
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((e) => e.id)).size).toBe(events.length);
    expect(stored.every((e) => e.processed_at !== null)).toBe(true);

    expect(await campaignApi(h, 'speech-therapy-fund')).toEqual(apiBefore);
    expect(apiBefore).toMatchObject({ raised: { amount: 30000 - 5000 + 3 * 20000, currency: 'HKD' }, donors: 2, recurringDonors: 1 });
  });

  it('answers a repeat delivery as a duplicate', async () => {
    const stored = await h.database.db.selectFrom('stripe_events').select(['id', 'payload']).limit(1).executeTakeFirstOrThrow();
    const body = JSON.stringify(stored.payload);
    const response = await request(h.url)
      .post('/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signatureHeader(body, h.emulator.webhookSecret))
      .send(body)
      .expect(200);
    expect(response.body).toEqual({ received: true, duplicate: true });
  });

  it('changes nothing even when every event is applied again, newest first', async () => {
    // Several events name one charge or one invoice, so applying any of them at any time must be safe.
    const before = await outcome(h);
    const events = await h.database.db.updateTable('stripe_events').set({ processed_at: null }).returning(['id', 'stripe_created_at']).execute();
    events.sort((a, b) => b.stripe_created_at.getTime() - a.stripe_created_at.getTime());
    const ctx = { db: h.database.db, stripe: h.stripe, config: h.config };
    for (const event of events) expect(await applyStripeEvent(ctx, event.id)).not.toBe('already applied');
    expect(await outcome(h)).toEqual(before);
  });
});

describe('Stripe delivering events out of order', () => {
  let h: GivingHarness;
  beforeEach(async () => {
    h = await startGivingHarness();
  });
  afterEach(() => h.stop());

  it.each(['created', 'reverse', 'shuffle'] as const)('a monthly gift and its renewals come out the same when delivered in %s order', async (order) => {
    h.emulator.holdWebhooks();
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month' }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.emulator.releaseWebhooks(order);
    await h.settle();

    h.emulator.holdWebhooks();
    await h.helper('/_emulator/advance_time', { seconds: twoMonths });
    await h.emulator.releaseWebhooks(order);
    await h.settle();

    const plan = await h.database.db.selectFrom('recurring_plans').selectAll().where('id', '=', donation.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan.status).toBe('active');
    expect(plan.stripe_subscription_id).toMatch(/^sub_/);
    const subscription = await h.stripe.subscriptions.retrieve(plan.stripe_subscription_id!);
    const donor = await h.database.db.selectFrom('donors').selectAll().where('id', '=', plan.donor_id!).executeTakeFirstOrThrow();
    expect(donor.stripe_customer_id).toBe(subscription.customer);

    const donations = await h.database.db.selectFrom('donations').selectAll().orderBy('created_at').execute();
    expect(donations).toHaveLength(3);
    expect(donations.every((d) => d.recurring_plan_id === plan.id && d.status === 'succeeded')).toBe(true);
    expect(donations.filter((d) => d.origin === 'checkout').map((d) => d.id)).toEqual([donation.id]);
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().execute();
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([
      ['gift', 20000],
      ['gift', 20000],
      ['gift', 20000],
    ]);
    expect(new Set(ledger.map((e) => e.donation_id)).size).toBe(3);

    expect(await campaignApi(h, 'speech-therapy-fund')).toMatchObject({ raised: { amount: 60000 }, donors: 1, recurringDonors: 1 });
  });

  it('a one-off gift whose every event arrives twice, shuffled, is recorded once', async () => {
    h.emulator.holdWebhooks();
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '250' }));
    await h.pay(sessionId);
    const events = await h.stripe.events.list({ limit: 100 });
    expect(events.data.length).toBeGreaterThan(2);
    const resent = events.data.map((event) => h.emulator.resendEvent(event.id));
    await h.emulator.releaseWebhooks('shuffle');
    await Promise.all(resent);
    await h.settle();

    expect(await h.database.db.selectFrom('stripe_events').select('id').execute()).toHaveLength(events.data.length);
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded' });
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().execute();
    expect(ledger.map((e) => [e.donation_id, e.kind, e.amount])).toEqual([[donation.id, 'gift', 25000]]);
  });

  it('a one-off gift delivered in reverse order is recorded once', async () => {
    h.emulator.holdWebhooks();
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '250' }));
    await h.pay(sessionId);
    await h.emulator.releaseWebhooks('reverse');
    await h.settle();

    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded', payment_method: 'card' });
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().execute();
    expect(ledger.map((e) => [e.donation_id, e.kind, e.amount])).toEqual([[donation.id, 'gift', 25000]]);
    expect(await campaignApi(h, 'speech-therapy-fund')).toMatchObject({ raised: { amount: 25000 }, donors: 1 });
  });
});

describe('a monthly gift whose events are applied one by one, invoice.paid first', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    // No worker: the test applies each stored event itself, in the order it chooses.
    h = await startGivingHarness({ worker: false });
  });
  afterAll(() => h.stop());

  it('is recorded by invoice.paid alone, before Stripe has told us the subscription exists, and the rest change nothing', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month' }));
    await h.pay(sessionId);
    await h.emulator.webhooksSettled();
    const events = await h.database.db.selectFrom('stripe_events').select(['id', 'type', 'processed_at']).orderBy('stripe_created_at').orderBy('received_at').execute();
    // Waiting for their jobs, which no worker runs here; the types no job applies are stored processed.
    expect(events.every((e) => (e.processed_at === null) === e.type in stripeEventHandlers)).toBe(true);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['customer.subscription.created', 'invoice.paid', 'payment_intent.succeeded', 'checkout.session.completed']));
    expect(types.indexOf('customer.subscription.created')).toBeLessThan(types.indexOf('invoice.paid'));

    const ctx = { db: h.database.db, stripe: h.stripe, config: h.config };
    const invoicePaid = events.find((e) => e.type === 'invoice.paid')!;
    expect(await applyStripeEvent(ctx, invoicePaid.id)).toBe('applied');

    const plan = await h.database.db.selectFrom('recurring_plans').selectAll().where('id', '=', donation.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ status: 'active' });
    expect(plan.stripe_subscription_id).toMatch(/^sub_/);
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded', origin: 'checkout' });
    const afterFirst = await outcome(h);
    expect(afterFirst.ledger.map((e) => [e.donation_id, e.kind, e.amount])).toEqual([[donation.id, 'gift', 20000]]);

    for (const event of [...events].reverse()) {
      if (event.id !== invoicePaid.id) await applyStripeEvent(ctx, event.id);
    }
    expect(await applyStripeEvent(ctx, invoicePaid.id)).toBe('already applied');
    expect(await outcome(h)).toEqual(afterFirst);
  });
});

describe('the webhook endpoint', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const forgedEvent = JSON.stringify({
    id: 'evt_forged_1',
    object: 'event',
    type: 'payment_intent.succeeded',
    api_version: '2026-10-28.endive',
    created: Math.floor(testNow.getTime() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { id: 'pi_forged', object: 'payment_intent', amount: 100000, currency: 'hkd', metadata: {} } },
  });

  it.each([
    ['signed with another secret', () => signatureHeader(forgedEvent, 'whsec_not_ours')],
    ['signed in 2001', () => signatureHeader(forgedEvent, h.emulator.webhookSecret, 1_000_000_000)],
    ['with a garbled header', () => 't=1,v1=deadbeef'],
    ['without a header', () => undefined],
  ])('refuses an event %s and stores nothing', async (_case, header) => {
    const value = header();
    const post = request(h.url).post('/webhooks/stripe').set('Content-Type', 'application/json');
    const response = await (value === undefined ? post : post.set('Stripe-Signature', value)).send(forgedEvent);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/json/);
    expect(response.body).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(await h.database.db.selectFrom('stripe_events').selectAll().execute()).toEqual([]);
    expect(await h.database.db.selectFrom('donations').selectAll().execute()).toEqual([]);
  });

  it('accepts the same body when it is signed with our secret, and stores an event no job applies as processed, unqueued', async () => {
    const body = JSON.stringify({ ...JSON.parse(forgedEvent), id: 'evt_signed_1', type: 'customer.created', data: { object: { id: 'cus_x', object: 'customer' } } });
    const response = await request(h.url)
      .post('/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signatureHeader(body, h.emulator.webhookSecret))
      .send(body)
      .expect(200);
    expect(response.body).toEqual({ received: true, duplicate: false });
    await h.settle();
    const stored = await h.database.db.selectFrom('stripe_events').select(['id', 'type', 'processed_at']).execute();
    expect(stored).toEqual([{ id: 'evt_signed_1', type: 'customer.created', processed_at: expect.any(Date) }]);
    const redis = new Redis(h.config.redisUrl);
    try {
      expect(await redis.exists(`${h.config.redisPrefix}:stripe-events:evt_signed_1`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a signed event whose copy of the object says what Stripe does not', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  let delivered = 0;
  /** Posts an event signed with our webhook secret, carrying `object` as its copy, and waits until it is applied. */
  async function deliverSigned(type: Stripe.Event.Type, object: object) {
    delivered += 1;
    const body = JSON.stringify({
      id: `evt_claimed_${delivered}`,
      object: 'event',
      type,
      api_version: '2026-10-28.endive',
      created: Math.floor(testNow.getTime() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object },
    });
    await request(h.url).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signatureHeader(body, h.emulator.webhookSecret)).send(body).expect(200);
    await h.settle();
  }

  it('closes no gift whose Checkout page Stripe has open or paid, whatever the copy says of its status or its gift', async () => {
    const paid = await h.give('speech-therapy-fund', aDonor({ amount: '100', email: 'paid.page@example.com' }));
    expect((await h.pay(paid.sessionId)).status).toBe('succeeded');
    const open = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month', email: 'open.page@example.com' }));
    await h.settle();
    const openSession = await h.stripe.checkout.sessions.retrieve(open.sessionId);
    const paidSession = await h.stripe.checkout.sessions.retrieve(paid.sessionId);
    expect([openSession.status, paidSession.status]).toEqual(['open', 'complete']);

    await deliverSigned('checkout.session.expired', { ...openSession, status: 'expired' });
    await deliverSigned('checkout.session.async_payment_failed', { ...openSession, status: 'complete', payment_status: 'unpaid' });
    // The paid page's id, with the open gift named in the copy's metadata.
    await deliverSigned('checkout.session.expired', { ...paidSession, status: 'expired', client_reference_id: open.donation.id, metadata: { ...paidSession.metadata, donation_id: open.donation.id } });

    const planOf = (id: string) => h.database.db.selectFrom('recurring_plans').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect((await h.donation(open.donation.id)).status).toBe('pending');
    expect(await planOf(open.donation.recurring_plan_id!)).toEqual({ status: 'incomplete' });
    expect((await h.donation(paid.donation.id)).status).toBe('succeeded');

    // The donor still on the open page pays, and the monthly gift starts.
    expect((await h.pay(open.sessionId)).status).toBe('succeeded');
    await h.settle();
    expect((await h.donation(open.donation.id)).status).toBe('succeeded');
    expect(await planOf(open.donation.recurring_plan_id!)).toEqual({ status: 'active' });
  });

  it('counts no declined card that Stripe did not decline for that payment', async () => {
    const declines = () => h.database.db.selectFrom('card_declines').select(['attempt_id', 'donation_id']).orderBy('attempt_id').execute();
    const paid = await h.give('general', aDonor({ amount: '10', email: 'small.paid@example.com' }));
    expect((await h.pay(paid.sessionId)).status).toBe('succeeded');
    const waiting = await h.give('general', aDonor({ amount: '10', email: 'small.waiting@example.com' }));
    const declinedElsewhere = await h.give('general', aDonor({ amount: '10', email: 'small.declined@example.com' }));
    expect((await h.pay(declinedElsewhere.sessionId, '4000000000000002')).status).toBe('declined');
    await h.settle();
    // The one real decline is counted.
    const [real] = await declines();
    expect(real).toMatchObject({ donation_id: declinedElsewhere.donation.id, attempt_id: expect.stringMatching(/^ch_/) });

    const intent = await h.stripe.paymentIntents.retrieve((await h.donation(paid.donation.id)).stripe_payment_intent_id!);
    const error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
    const claimedFailed = { ...intent, status: 'requires_payment_method' };
    // The paid gift's own charge, which Stripe says succeeded, claimed declined.
    await deliverSigned('payment_intent.payment_failed', { ...claimedFailed, last_payment_error: { ...error, charge: intent.latest_charge } });
    // A decline without a charge, claimed for the waiting gift on a payment Stripe has no error for.
    await deliverSigned('payment_intent.payment_failed', { ...claimedFailed, metadata: { ...intent.metadata, donation_id: waiting.donation.id }, last_payment_error: error });
    // Another payment's real decline, claimed for this payment and the waiting gift.
    await deliverSigned('payment_intent.payment_failed', { ...claimedFailed, metadata: { ...intent.metadata, donation_id: waiting.donation.id }, last_payment_error: { ...error, charge: real!.attempt_id } });

    expect(await declines()).toEqual([real]);
  });
});

describe('a payment begun outside our site', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('becomes a succeeded, anonymous gift to the general fund from the donor its email names', async () => {
    const intent = await h.helper<Stripe.PaymentIntent>('/_emulator/payment_intents', { amount: 2500, currency: 'usd', receipt_email: 'walk.in@example.com' });
    expect(intent.status).toBe('succeeded');
    await h.settle();

    const donation = await h.database.db.selectFrom('donations').selectAll().where('stripe_payment_intent_id', '=', intent.id).executeTakeFirstOrThrow();
    const general = await h.database.db.selectFrom('campaigns').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();
    expect(donation).toMatchObject({ status: 'succeeded', origin: 'stripe', frequency: 'once', amount: 2500, currency: 'USD', campaign_id: general.id, anonymous: true });
    const donor = await h.database.db.selectFrom('donors').selectAll().where('id', '=', donation.donor_id!).executeTakeFirstOrThrow();
    expect(donor.email).toBe('walk.in@example.com');
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donation.id).execute();
    expect(ledger.map((e) => [e.kind, e.amount, e.currency, e.campaign_id])).toEqual([['gift', 2500, 'USD', general.id]]);

    expect(await campaignApi(h, 'general')).toMatchObject({ raised: { amount: 2500, currency: 'USD' }, donors: 1 });
  });

  it('goes to the campaign its metadata names', async () => {
    const intent = await h.helper<Stripe.PaymentIntent>('/_emulator/payment_intents', { amount: 40000, currency: 'hkd', metadata: { campaign: 'speech-therapy-fund' } });
    await h.settle();
    const donation = await h.database.db
      .selectFrom('donations')
      .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
      .select(['donations.status', 'donations.donor_id', 'campaigns.slug'])
      .where('stripe_payment_intent_id', '=', intent.id)
      .executeTakeFirstOrThrow();
    // No email anywhere: a gift without a donor.
    expect(donation).toEqual({ status: 'succeeded', donor_id: null, slug: 'speech-therapy-fund' });
    expect(await campaignApi(h, 'speech-therapy-fund')).toMatchObject({ raised: { amount: 40000, currency: 'HKD' }, donors: 1 });
  });
});

describe('events stored while their job was lost', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ worker: false });
  });
  afterAll(() => h.stop());

  it('are applied once the sweeper queues them again', async () => {
    const once = await h.give('speech-therapy-fund', aDonor({ amount: '150' }));
    await h.pay(once.sessionId);
    const monthly = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month', email: 'wing.lee@example.com' }));
    await h.pay(monthly.sessionId);
    await h.emulator.webhooksSettled();

    const logger = createLogger(h.config);
    const ctx = openContext(h.config, logger);
    try {
      const events = await h.database.db.selectFrom('stripe_events').select(['id', 'processed_at']).where('type', 'in', appliedTypes).execute();
      expect(events.length).toBeGreaterThan(5);
      expect(events.every((e) => e.processed_at === null)).toBe(true);
      // Every enqueue lost, as when Redis was away while the webhooks came in.
      const queue = ctx.queues.queue('stripe-events');
      for (const { id } of events) await (await queue.getJob(id))?.remove();
      for (const { id } of events) expect(await queue.getJob(id)).toBeUndefined();

      const worker = await startWorker(h.config, logger);
      try {
        // Nothing is queued, so nothing is applied until the sweeper runs; events younger than its age are left alone.
        expect(await sweepStripeEvents(ctx, 3600)).toBe(0);
        expect(await sweepStripeEvents(ctx, 0)).toBe(events.length);
        await h.settle();
        // A second sweep finds nothing left to do.
        expect(await sweepStripeEvents(ctx, 0)).toBe(0);
      } finally {
        await worker.stop();
      }
    } finally {
      await closeContext(ctx);
    }

    expect(await h.donation(once.donation.id)).toMatchObject({ status: 'succeeded' });
    expect(await h.donation(monthly.donation.id)).toMatchObject({ status: 'succeeded' });
    const plan = await h.database.db.selectFrom('recurring_plans').selectAll().where('id', '=', monthly.donation.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan.status).toBe('active');
    const ledger = await h.database.db.selectFrom('ledger_entries').select(['donation_id', 'kind', 'amount']).orderBy('amount').execute();
    expect(ledger).toEqual([
      { donation_id: once.donation.id, kind: 'gift', amount: 15000 },
      { donation_id: monthly.donation.id, kind: 'gift', amount: 20000 },
    ]);
    expect(await campaignApi(h, 'speech-therapy-fund')).toMatchObject({ raised: { amount: 35000 }, donors: 2, recurringDonors: 1 });
  });

  it('are applied again when their job finished but what it applied was lost (Postgres crashed before the commit reached the disk)', async () => {
    const gift = await h.give('speech-therapy-fund', aDonor({ amount: '120', email: 'crash@example.com' }));
    await h.pay(gift.sessionId);
    await h.emulator.webhooksSettled();
    const logger = createLogger(h.config);
    const ctx = openContext(h.config, logger);
    try {
      const worker = await startWorker(h.config, logger);
      try {
        await h.settle();
        const applied = await h.database.db.selectFrom('stripe_events').select('id').where('processed_at', 'is not', null).where('type', 'in', appliedTypes).execute();
        expect(applied.length).toBeGreaterThan(0);
        const [lost] = applied;
        expect(await (await ctx.queues.queue('stripe-events').getJob(lost!.id))?.isCompleted()).toBe(true);
        // As the database looks after the crash: the event stored, its applying gone, its job done.
        await h.database.db.updateTable('stripe_events').set({ processed_at: null }).where('id', '=', lost!.id).execute();

        expect(await sweepStripeEvents(ctx, 0)).toBe(1);
        await h.settle();
        const row = await h.database.db.selectFrom('stripe_events').select(['processed_at', 'attempts']).where('id', '=', lost!.id).executeTakeFirstOrThrow();
        expect(row.processed_at).not.toBeNull();
        expect(row.attempts).toBe(2);
      } finally {
        await worker.stop();
      }
    } finally {
      await closeContext(ctx);
    }
  });
});
