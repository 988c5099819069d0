import request from 'supertest';
import type Stripe from 'stripe';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

const day = 24 * 60 * 60;
// Any two consecutive months last at most 62 days and any three at least 89: exactly two renewals.
const twoMonths = 62 * day;

describe('a monthly gift', () => {
  // A harness each: moving the emulator's clock renews every subscription in it, and each story reads
  // the campaign's total from an empty ledger.
  let h: GivingHarness;
  beforeEach(async () => {
    h = await startGivingHarness();
  });
  afterEach(() => h.stop());

  /** A donor starts a HK$200 monthly gift to the speech therapy fund and pays its first month. */
  async function startMonthlyGift() {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month' }));
    expect(donation).toMatchObject({ status: 'pending', frequency: 'month', amount: 20000, currency: 'HKD' });
    expect(donation.recurring_plan_id).not.toBeNull();
    const paid = await h.pay(sessionId);
    expect(paid.status).toBe('succeeded');
    await h.settle();
    const plan = await planOf(donation.recurring_plan_id!);
    expect(plan).toMatchObject({ status: 'active', interval: 'month', amount: 20000, currency: 'HKD' });
    expect(plan.stripe_subscription_id).toMatch(/^sub_/);
    return { donation, plan, subscription: await h.stripe.subscriptions.retrieve(plan.stripe_subscription_id!) };
  }

  const planOf = (id: string) => h.database.db.selectFrom('recurring_plans').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const donationsOf = (planId: string) =>
    h.database.db.selectFrom('donations').selectAll().where('recurring_plan_id', '=', planId).orderBy('created_at').orderBy('id').execute();
  const ledgerOf = (planId: string) =>
    h.database.db
      .selectFrom('ledger_entries')
      .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
      .selectAll('ledger_entries')
      .where('donations.recurring_plan_id', '=', planId)
      .orderBy('ledger_entries.id')
      .execute();

  it('renews twice: three succeeded gifts, three ledger rows, one recurring donor', async () => {
    const { plan } = await startMonthlyGift();

    const advanced = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { seconds: twoMonths });
    expect(advanced.invoices).toHaveLength(2);
    await h.settle();

    const donations = await donationsOf(plan.id);
    expect(donations).toHaveLength(3);
    expect(donations.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(donations.map((d) => d.origin)).toEqual(['checkout', 'subscription', 'subscription']);
    for (const d of donations) expect(d).toMatchObject({ amount: 20000, currency: 'HKD', frequency: 'month', campaign_id: plan.campaign_id, donor_id: plan.donor_id });
    expect(new Set(donations.map((d) => d.stripe_invoice_id)).size).toBe(3);

    const ledger = await ledgerOf(plan.id);
    expect(ledger.map((e) => [e.kind, e.amount, e.currency])).toEqual([
      ['gift', 20000, 'HKD'],
      ['gift', 20000, 'HKD'],
      ['gift', 20000, 'HKD'],
    ]);
    expect(new Set(ledger.map((e) => e.donation_id)).size).toBe(3);

    const renewed = await planOf(plan.id);
    expect(renewed.status).toBe('active');
    expect(renewed.stripe_subscription_id).toBe(plan.stripe_subscription_id);

    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: 60000, currency: 'HKD' }, donors: 1, recurringDonors: 1 });
  });

  it('marks a declined renewal failed and the plan past due, leaving the money already given alone', async () => {
    const { plan, subscription } = await startMonthlyGift();
    await h.helper(`/_emulator/customers/${String(subscription.customer)}/card`, { card_number: '4000000000000002' });
    const advanced = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: subscription.items.data[0]!.current_period_end });
    expect(advanced.invoices.map((invoice) => invoice.status)).toEqual(['open']);
    await h.settle();

    const donations = await donationsOf(plan.id);
    expect(donations.map((d) => [d.origin, d.status])).toEqual([
      ['checkout', 'succeeded'],
      ['subscription', 'failed'],
    ]);
    expect(donations[1]!.stripe_invoice_id).toBe(advanced.invoices[0]!.id);
    expect((await ledgerOf(plan.id)).map((e) => [e.kind, e.amount])).toEqual([['gift', 20000]]);
    expect((await planOf(plan.id)).status).toBe('past_due');

    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    // Past due is still a recurring donor: Stripe will try the card again.
    expect(api.body).toMatchObject({ raised: { amount: 20000, currency: 'HKD' }, donors: 1, recurringDonors: 1 });
  });

  it('recovers when the donor fixes the card: Stripe’s retry pays the failed renewal and the plan is active again', async () => {
    const { plan, subscription } = await startMonthlyGift();
    await h.helper(`/_emulator/customers/${String(subscription.customer)}/card`, { card_number: '4000000000000002' });
    await h.helper('/_emulator/advance_time', { to: subscription.items.data[0]!.current_period_end });
    await h.settle();
    expect((await planOf(plan.id)).status).toBe('past_due');

    await h.helper(`/_emulator/customers/${String(subscription.customer)}/card`, { card_number: '5555555555554444' });
    // Stripe tries a failed invoice again three days later.
    await h.helper('/_emulator/advance_time', { seconds: 3 * day });
    await h.settle();

    const donations = await donationsOf(plan.id);
    expect(donations.map((d) => [d.origin, d.status])).toEqual([
      ['checkout', 'succeeded'],
      ['subscription', 'succeeded'],
    ]);
    expect(donations[1]!.failure_message).toBeNull();
    expect((await ledgerOf(plan.id)).map((e) => [e.kind, e.amount, e.donation_id])).toEqual([
      ['gift', 20000, donations[0]!.id],
      ['gift', 20000, donations[1]!.id],
    ]);
    expect((await planOf(plan.id)).status).toBe('active');
    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: 40000, currency: 'HKD' }, donors: 1, recurringDonors: 1 });
  });

  it('that is never paid expires with its Checkout page, and its plan is canceled', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '200', frequency: 'month' }));
    // Checkout pages expire after a day.
    await h.helper('/_emulator/advance_time', { seconds: 2 * day });
    await h.settle();

    expect((await h.donation(donation.id)).status).toBe('expired');
    expect((await planOf(donation.recurring_plan_id!)).status).toBe('canceled');
    const thanks = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(thanks.text).not.toContain('Confirmed');
    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: 0 }, donors: 0, recurringDonors: 0 });
  });

  it('is canceled when its subscription is canceled, and no longer counts as recurring', async () => {
    const { plan } = await startMonthlyGift();
    await h.stripe.subscriptions.cancel(plan.stripe_subscription_id!);
    await h.settle();

    const canceled = await planOf(plan.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.canceled_at).toBeInstanceOf(Date);

    // Nothing renews a canceled plan.
    await h.helper('/_emulator/advance_time', { seconds: twoMonths });
    await h.settle();
    expect(await donationsOf(plan.id)).toHaveLength(1);

    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: 20000, currency: 'HKD' }, donors: 1, recurringDonors: 0 });
  });
});
