import request from 'supertest';
import { startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities } from '../support/html';
import { readPlanChange } from '../../server/donors/plan-changes';
import { giveAndPay, signIn } from './account-helpers';

describe('a donor changes their regular gift from their account', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const planOf = (id: string) => h.database.db.selectFrom('recurring_plans').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** A HK$200 monthly gift, paid and applied, and the donor signed in through the emailed link. */
  async function aMonthlyDonor(email: string) {
    const donation = await giveAndPay(h, { email, name: 'Regular Giver', amount: '200', frequency: 'month' });
    const plan = await planOf(donation.recurring_plan_id!);
    expect(plan).toMatchObject({ status: 'active', amount: 20000, interval: 'month' });
    const donor = await signIn(h, email);
    return { plan, donor, subscriptionId: plan.stripe_subscription_id! };
  }

  it('lists the gift with its next date and amount', async () => {
    const { plan, donor, subscriptionId } = await aMonthlyDonor('list@example.com');
    const subscription = await h.stripe.subscriptions.retrieve(subscriptionId);
    const next = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: h.config.organisation.timeZone }).format(new Date(subscription.items.data[0]!.current_period_end * 1000));
    const page = decodeEntities((await donor.agent.get('/account').expect(200)).text);
    expect(page).toContain(`data-plan="${plan.id}"`);
    expect(page).toContain('HK$200.00 every month to');
    expect(page).toContain(`Next gift: ${next}`);
  });

  it('changes the amount and frequency at Stripe without proration; our plan follows the webhook', async () => {
    const { plan, donor, subscriptionId } = await aMonthlyDonor('change@example.com');

    // The donate form's limits apply: too small is refused and nothing changes at Stripe.
    const tooSmall = await donor.post(`/account/plans/${plan.id}/amount`, { amount: '1', frequency: 'month' });
    expect(tooSmall.status).toBe(422);
    expect(decodeEntities(tooSmall.text)).toContain('The smallest gift we can take by card is HK$4.00.');
    const notAFrequency = await donor.post(`/account/plans/${plan.id}/amount`, { amount: '300', frequency: 'once' });
    expect(notAFrequency.status).toBe(422);
    expect((await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]!.price.unit_amount).toBe(20000);

    const changed = await donor.post(`/account/plans/${plan.id}/amount`, { amount: '350', frequency: 'year' });
    expect(changed.status).toBe(303);
    expect(changed.headers.location).toBe(`/account/plans/${plan.id}?done=changed`);
    await h.settle();

    const subscription = await h.stripe.subscriptions.retrieve(subscriptionId);
    const item = subscription.items.data[0]!;
    expect(item.price.unit_amount).toBe(35000);
    expect(item.price.recurring?.interval).toBe('year');
    expect(item.price.currency).toBe('hkd');
    expect(await planOf(plan.id)).toMatchObject({ amount: 35000, currency: 'HKD', interval: 'year', status: 'active' });
    // Nothing was charged for the change.
    const gifts = await h.database.db.selectFrom('donations').select('id').where('recurring_plan_id', '=', plan.id).execute();
    expect(gifts).toHaveLength(1);

    const page = decodeEntities((await donor.agent.get(`/account/plans/${plan.id}?done=changed`).expect(200)).text);
    expect(page).toContain('HK$350.00 every year to');
  });

  it('pauses and resumes the gift', async () => {
    const { plan, donor, subscriptionId } = await aMonthlyDonor('pause@example.com');
    await donor.post(`/account/plans/${plan.id}/pause`).expect(303);
    await h.settle();
    expect((await h.stripe.subscriptions.retrieve(subscriptionId)).pause_collection).toMatchObject({ behavior: 'void' });
    expect((await planOf(plan.id)).status).toBe('paused');
    const paused = await donor.agent.get(`/account/plans/${plan.id}`).expect(200);
    expect(paused.text).toContain('Resume this gift');

    await donor.post(`/account/plans/${plan.id}/resume`).expect(303);
    await h.settle();
    expect((await h.stripe.subscriptions.retrieve(subscriptionId)).pause_collection).toBeNull();
    expect((await planOf(plan.id)).status).toBe('active');
  });

  it('cancels the gift; the plan is canceled when Stripe’s webhook arrives', async () => {
    const { plan, donor, subscriptionId } = await aMonthlyDonor('cancel@example.com');
    const canceled = await donor.post(`/account/plans/${plan.id}/cancel`);
    expect(canceled.status).toBe(303);
    expect(canceled.headers.location).toBe('/account?done=canceled');
    await h.settle();
    expect((await h.stripe.subscriptions.retrieve(subscriptionId)).status).toBe('canceled');
    const after = await planOf(plan.id);
    expect(after.status).toBe('canceled');
    expect(after.canceled_at).not.toBeNull();
    const page = await donor.agent.get('/account?done=canceled').expect(200);
    expect(page.text).toContain('Your regular gift has stopped.');
    expect(page.text).not.toContain(`data-plan="${plan.id}"`);
  });

  it('opens Stripe’s billing portal on the card form of the subscription’s own customer', async () => {
    const { plan, donor, subscriptionId } = await aMonthlyDonor('card@example.com');
    const opened = await donor.agent.get(`/account/plans/${plan.id}/card`);
    expect(opened.status).toBe(303);
    const url = new URL(String(opened.headers.location));
    expect(url.origin).toBe(h.emulator.url);
    expect(url.pathname).toMatch(/^\/billing\/bps_/);
    expect((await fetch(url)).status).toBe(200);
    // Stripe tells us of every portal session it opens: this one is the subscription's customer's, on the card form.
    await h.settle();
    const customer = String((await h.stripe.subscriptions.retrieve(subscriptionId)).customer);
    const events = await h.database.db.selectFrom('stripe_events').select('payload').where('type', '=', 'billing_portal.session.created').execute();
    const session = events.map((e) => (e.payload as { data: { object: { id: string; customer: string; flow: { type: string } | null } } }).data.object).find((s) => url.pathname.endsWith(s.id));
    expect(session).toMatchObject({ customer, flow: { type: 'payment_method_update' } });
  });

  it('refuses a change without the CSRF token, and another donor’s plan is not found', async () => {
    const { plan, donor, subscriptionId } = await aMonthlyDonor('owner@example.com');
    const forged = await donor.agent.post(`/account/plans/${plan.id}/cancel`).type('form').send({});
    expect(forged.status).toBe(403);

    const other = await aMonthlyDonor('other@example.com');
    const notTheirs = await other.donor.post(`/account/plans/${plan.id}/cancel`);
    expect(notTheirs.status).toBe(404);
    expect((await other.donor.agent.get(`/account/plans/${plan.id}`)).status).toBe(404);
    const signedOut = await request(h.url).get(`/account/plans/${plan.id}`);
    expect(signedOut.status).toBe(303);
    await h.settle();
    expect((await h.stripe.subscriptions.retrieve(subscriptionId)).status).toBe('active');
    expect((await planOf(plan.id)).status).toBe('active');
  });
});

describe('the new amount of a regular gift, as typed', () => {
  const limits = { maximumMajorUnits: 20_000, generalFundSlug: 'general' };

  it('refuses a decimal comma in the donor\'s language, and reads full-width digits', () => {
    expect(readPlanChange({ amount: '25,00', frequency: 'month' }, 'USD', limits, 'en')).toMatchObject({
      ok: false,
      errors: { amount: 'Use a point for decimals: 25.00, not 25,00. A comma may only separate thousands, as in 1,000.' },
    });
    expect(readPlanChange({ amount: '２５，００', frequency: 'month' }, 'USD', limits, 'zh-CN')).toMatchObject({
      ok: false,
      errors: { amount: '小数请用小数点：应写 25.00，而不是 25,00。逗号只能用作千位分隔符，例如 1,000。' },
    });
    expect(readPlanChange({ amount: '１，２５０．５０', frequency: 'year' }, 'HKD', limits, 'zh-CN')).toEqual({ ok: true, amount: 125_050, interval: 'year' });
  });
});
