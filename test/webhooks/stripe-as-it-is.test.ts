// The platform against Stripe as it really is, not as a forgiving emulator made it look: webhooks several at
// once, out of order and twice; subscriptions that begin incomplete; balance transactions that come after the
// charge; card refunds that stay pending and then fail; a billing portal that needs a configuration; and
// customers deleted when a donor asks to be forgotten.
import { createServer } from 'node:net';
import { sql } from 'kysely';
import type Stripe from 'stripe';
import { portalConfigurationMetadata } from '../../server/donations/billing-portal';
import { createLogger } from '../../server/logger';
import { startWeb } from '../../server/main';
import type { Donation } from '../../server/tables/donations.table';
import { aDonor, startGivingHarness, type GivingHarness, type LogLine } from '../support/giving';
import { waitUntil } from '../support/wait';
import { signIn } from '../donors/account-helpers';

/** A repeatable sequence in [0, 1), so the disorder and the duplicates are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const ledgerOf = (h: GivingHarness, donationId: string) =>
  h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donationId).orderBy('id').execute();

/** Gives through the form and pays on Checkout; the donation as it was begun. */
async function giveAndPay(h: GivingHarness, form: Record<string, string>, card = '4242424242424242'): Promise<Donation> {
  const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor(form));
  const paid = await h.pay(sessionId, card);
  if (paid.status !== 'succeeded') throw new Error(`payment ${paid.status}`);
  return donation;
}

async function everyStripe<T>(list: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of list) all.push(item);
  return all;
}

describe('webhooks as Stripe sends them: several at once, out of order, and each twice', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ emulator: { delivery: { concurrency: 6, disorder: true, duplicates: 1, random: seeded(19) } } });
  });
  afterAll(() => h.stop());

  it('records every gift once, one-off and monthly, with a refund, and the ledger adds up to Stripe’s balance', async () => {
    const forms = [
      ...Array.from({ length: 10 }, (_, i) => ({ email: `once${i}@example.com`, name: `Once ${i}`, amount: String(100 + i * 10), frequency: 'once' })),
      ...Array.from({ length: 2 }, (_, i) => ({ email: `cny${i}@example.com`, name: `Yuan ${i}`, amount: '300', currency: 'CNY', frequency: 'once' })),
      ...Array.from({ length: 4 }, (_, i) => ({ email: `monthly${i}@example.com`, name: `Monthly ${i}`, amount: String(50 + i * 25), frequency: 'month' })),
    ];
    const begun = [];
    for (const form of forms) begun.push(await h.give('speech-therapy-fund', aDonor(form)));
    const paid = await Promise.all(begun.map(({ sessionId }) => h.pay(sessionId)));
    expect(paid.map((p) => p.status)).toEqual(forms.map(() => 'succeeded'));
    await h.settle();
    const refunded = await h.donation(begun[3]!.donation.id);
    const refund = await h.stripe.refunds.create({ payment_intent: refunded.stripe_payment_intent_id!, amount: 4000 });
    await h.settle();

    const { db } = h.database;
    // Every event of the gifts reached us, and in an order other than Stripe made them in (the portal
    // configuration's came before the harness gave the emulator our address).
    const created = (await everyStripe(h.stripe.events.list({ limit: 100 })))
      .reverse()
      .filter((event) => event.type !== 'billing_portal.configuration.created')
      .map((event) => event.id);
    const stored = await db.selectFrom('stripe_events').select(['id', 'processed_at']).orderBy('received_at').orderBy('id').execute();
    expect(new Set(stored.map((event) => event.id))).toEqual(new Set(created));
    expect(stored.map((event) => event.id)).not.toEqual(created);
    expect(stored.every((event) => event.processed_at !== null)).toBe(true);

    // Each gift recorded once, its donation where it should be.
    const donations = await Promise.all(begun.map(({ donation }) => h.donation(donation.id)));
    expect(donations.map((d) => d.status)).toEqual(begun.map((_, i) => (i === 3 ? 'partially_refunded' : 'succeeded')));
    const gifts = await db.selectFrom('ledger_entries').select(['donation_id', sql<string>`count(*)`.as('rows')]).where('kind', '=', 'gift').groupBy('donation_id').execute();
    expect(new Set(gifts.map((row) => row.donation_id))).toEqual(new Set(donations.map((d) => d.id)));
    expect(gifts.every((row) => Number(row.rows) === 1)).toBe(true);
    expect((await ledgerOf(h, refunded.id)).map((entry) => [entry.kind, entry.amount, entry.stripe_object_id])).toEqual([
      ['gift', refunded.amount, refunded.stripe_charge_id],
      ['refund', -4000, refund.id],
    ]);
    const plans = await db.selectFrom('recurring_plans').select(['status']).execute();
    expect(plans.map((plan) => plan.status)).toEqual(['active', 'active', 'active', 'active']);
    // No donation, plan or donor made twice by a second delivery.
    expect(Number((await db.selectFrom('donations').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n)).toBe(forms.length);
    expect(Number((await db.selectFrom('donors').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n)).toBe(forms.length);

    // The ledger holds exactly Stripe's balance transactions, to the cent: amounts, fees and nets.
    const transactions = (await everyStripe(h.stripe.balanceTransactions.list({ limit: 100 }))).filter((bt) => bt.type === 'charge' || bt.type === 'refund');
    const ledger = await db.selectFrom('ledger_entries').select(['stripe_balance_transaction_id', 'settlement_amount', 'fee', 'net']).execute();
    expect(ledger.map((entry) => entry.stripe_balance_transaction_id).sort()).toEqual(transactions.map((bt) => bt.id).sort());
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(sum(ledger.map((entry) => entry.settlement_amount))).toBe(sum(transactions.map((bt) => bt.amount)));
    expect(sum(ledger.map((entry) => entry.fee))).toBe(sum(transactions.map((bt) => bt.fee)));
    expect(sum(ledger.map((entry) => entry.net))).toBe(sum(transactions.map((bt) => bt.net)));
  });
});

describe('a monthly gift made through Checkout, whose subscription begins incomplete', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('ends with the plan active once Stripe updates the subscription, and the first gift recorded once', async () => {
    const donation = await giveAndPay(h, { email: 'incomplete@example.com', amount: '80', frequency: 'month' });
    await h.settle();
    const { db } = h.database;
    const recorded = await h.donation(donation.id);
    expect(recorded.status).toBe('succeeded');
    const plan = await db.selectFrom('recurring_plans').selectAll().where('id', '=', recorded.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ status: 'active', amount: 8000, currency: 'HKD' });
    const events = await db
      .selectFrom('stripe_events')
      .select(['type', 'payload'])
      .where('type', 'in', ['customer.subscription.created', 'customer.subscription.updated'])
      .orderBy('stripe_created_at')
      .orderBy('received_at')
      .execute();
    const payloads = events.map((event) => event.payload as Stripe.Event);
    expect(payloads.map((event) => [event.type, (event.data.object as Stripe.Subscription).status])).toEqual([
      ['customer.subscription.created', 'incomplete'],
      ['customer.subscription.updated', 'active'],
    ]);
    expect(payloads[1]?.data.previous_attributes).toEqual({ status: 'incomplete' });
    expect((await ledgerOf(h, donation.id)).map((entry) => [entry.kind, entry.amount])).toEqual([['gift', 8000]]);
  });
});

describe('a charge whose balance transaction comes after charge.succeeded', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ emulator: { lateBalanceTransactions: { afterMs: 150 } } });
  });
  afterAll(() => h.stop());

  it('records the gift once, with the fee Stripe booked when the money arrived', async () => {
    const donation = await giveAndPay(h, { email: 'late.money@example.com', amount: '250' });
    await h.settle();
    const recorded = await h.donation(donation.id);
    expect(recorded.status).toBe('succeeded');
    const charge = await h.stripe.charges.retrieve(recorded.stripe_charge_id!, { expand: ['balance_transaction'] });
    const bt = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(bt.fee).toBeGreaterThan(0);
    expect((await ledgerOf(h, donation.id)).map((entry) => [entry.kind, entry.amount, entry.settlement_amount, entry.fee, entry.net, entry.stripe_balance_transaction_id])).toEqual([
      ['gift', 25000, bt.amount, bt.fee, bt.net, bt.id],
    ]);
    const types = (await h.database.db.selectFrom('stripe_events').select('type').execute()).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['charge.succeeded', 'charge.updated']));
    const succeeded = await h.database.db.selectFrom('stripe_events').select('payload').where('type', '=', 'charge.succeeded').executeTakeFirstOrThrow();
    expect((succeeded.payload as Stripe.Event).data.object).toMatchObject({ balance_transaction: null });
  });
});

describe('a card refund that stays pending, then fails', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('shows the refund in the ledger, then its reversal, and the gift stands again', async () => {
    const donation = await giveAndPay(h, { email: 'bounced@example.com', amount: '500' }, '4000000000007726');
    await h.settle();
    const gift = await h.donation(donation.id);
    const refund = await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id! });
    expect(refund.status).toBe('pending');
    await h.settle();
    expect((await h.donation(donation.id)).status).toBe('refunded');
    expect((await ledgerOf(h, donation.id)).map((entry) => [entry.kind, entry.amount])).toEqual([
      ['gift', 50000],
      ['refund', -50000],
    ]);

    const failed = await h.helper<Stripe.Refund>(`/_emulator/refunds/${refund.id}/fail`);
    expect(failed.status).toBe('failed');
    await h.settle();
    const ledger = await ledgerOf(h, donation.id);
    expect(ledger.map((entry) => [entry.kind, entry.amount, entry.stripe_object_id])).toEqual([
      ['gift', 50000, gift.stripe_charge_id],
      ['refund', -50000, refund.id],
      ['refund_reversal', 50000, refund.id],
    ]);
    expect(ledger[2]?.stripe_balance_transaction_id).toBe(failed.failure_balance_transaction);
    expect((await h.donation(donation.id)).status).toBe('succeeded');
  });
});

describe('the billing portal, which Stripe refuses until a configuration is saved', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const ourConfigurations = async () =>
    (await h.stripe.billingPortal.configurations.list({ limit: 100 })).data.filter((configuration) => configuration.metadata?.smilefund === portalConfigurationMetadata.smilefund);

  it('is given our configuration as the platform starts, and a donor’s card link opens a session with it', async () => {
    let configurations: Stripe.BillingPortal.Configuration[] = [];
    // Made as the platform started (waited for a few seconds at most): there once Stripe has answered.
    await waitUntil('the platform to create its portal configuration', async () => (configurations = await ourConfigurations()).length > 0);
    expect(configurations).toHaveLength(1);
    expect(configurations[0]).toMatchObject({
      active: true,
      is_default: false,
      default_return_url: expect.stringMatching(/^http.*\/account$/),
      features: { payment_method_update: { enabled: true }, subscription_cancel: { enabled: true, mode: 'immediately' } },
    });

    await giveAndPay(h, { email: 'new.card@example.com', amount: '200', frequency: 'month' });
    await h.settle();
    const donor = await signIn(h, 'new.card@example.com');
    const plan = await h.database.db.selectFrom('recurring_plans').select('id').executeTakeFirstOrThrow();
    const opened = await donor.agent.get(`/account/plans/${plan.id}/card`).expect(303);
    const url = new URL(String(opened.headers.location));
    expect(url.pathname).toMatch(/^\/billing\/bps_/);
    await h.settle();
    const events = await h.database.db.selectFrom('stripe_events').select('payload').where('type', '=', 'billing_portal.session.created').execute();
    const session = events.map((event) => (event.payload as Stripe.Event).data.object as Stripe.BillingPortal.Session).find((s) => url.pathname.endsWith(s.id));
    expect(session?.configuration).toBe(configurations[0]!.id);
  });

  it('finds its configuration again on the next start rather than making another', async () => {
    const logs: LogLine[] = [];
    const logger = createLogger({ logLevel: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
    const again = await startWeb({ ...h.config, port: 0 }, logger);
    await again.stop();
    expect(logs.find((line) => line.msg === 'billing portal: configuration ready')).toBeDefined();
    expect(await ourConfigurations()).toHaveLength(1);
  });

  it('says so, and starts all the same, when Stripe cannot be asked', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const logs: LogLine[] = [];
    const logger = createLogger({ logLevel: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
    const web = await startWeb({ ...h.config, port: 0, stripe: { ...h.config.stripe, apiUrl: `http://127.0.0.1:${closedPort}` } }, logger);
    const health = await fetch(`http://127.0.0.1:${web.port}/campaigns/speech-therapy-fund`);
    expect(health.status).toBe(200);
    await web.stop();
    expect(logs.map((line) => line.msg)).toContainEqual(expect.stringMatching(/^billing portal: could not find or create its configuration at Stripe/));
  });
});

describe('a donor forgotten at their request', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('has every customer of theirs deleted at Stripe, and the deletion’s event stored without their address', async () => {
    const email = 'gone.for.good@example.com';
    await giveAndPay(h, { email, name: 'Gone For Good', amount: '120' });
    await giveAndPay(h, { email, name: 'Gone For Good', amount: '60', frequency: 'month' });
    await h.settle();
    const customers = (await h.stripe.customers.list({ email, limit: 100 })).data.map((customer) => customer.id);
    expect(customers).toHaveLength(2);

    const donor = await signIn(h, email);
    await donor.post('/account/forget', { confirm: email }).expect(200);
    await h.settle();

    expect((await h.stripe.customers.list({ email, limit: 100 })).data).toEqual([]);
    for (const id of customers) expect(await h.stripe.customers.retrieve(id)).toEqual(expect.objectContaining({ id, deleted: true }));
    const { db } = h.database;
    expect((await db.selectFrom('recurring_plans').select('status').execute()).map((plan) => plan.status)).toEqual(['canceled']);
    const deletions = await db.selectFrom('stripe_events').select(['payload', 'processed_at']).where('type', '=', 'customer.deleted').execute();
    expect(deletions).toHaveLength(2);
    for (const deletion of deletions) {
      expect(deletion.processed_at).not.toBeNull();
      expect(JSON.stringify(deletion.payload).toLowerCase()).not.toContain(email);
      expect((deletion.payload as Stripe.Event).data.object).toEqual({ id: expect.stringMatching(/^cus_/), object: 'customer', deleted: true });
    }
    const audit = await db.selectFrom('audit_log').select('after').where('action', '=', 'donor.erased').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ plans_stopped: 1, stripe_customers_deleted: 2 });
  });
});
