// Stripe calls per gift: every call the platform (web and worker) makes to Stripe, counted by operation at
// a proxy between it and the emulator, for a one-off card gift, a monthly gift's first payment, a renewal
// and a refund, each from the donor's form (or the clock, or the finance page) until its events are applied.
// Webhooks are delivered in order, one at a time, as the emulator does by default; under concurrent delivery
// two events of one payment may both read before either has committed. No baseline: a count, not a speed.
// Run: npm run bench:stripe-calls   (needs the test services: PostgreSQL and Redis on loopback)
import Stripe from 'stripe';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { aDonor, startGivingHarness, type GivingHarness } from '../test/support/giving';
import { aStaffMember } from '../test/support/staff';
import { startStripeGate, type StripeGate } from '../test/support/stripe-gate';
import { requestRefund } from '../server/finance/refunds';

type Counts = Record<string, number>;

async function countCalls(h: GivingHarness, gate: StripeGate, scenario: () => Promise<unknown>): Promise<Counts> {
  await h.settle();
  const from = gate.calls.length;
  await scenario();
  await h.settle();
  const counts: Counts = {};
  // The web process's check of the Billing Portal's configuration at start is not a gift's.
  for (const operation of gate.calls.slice(from)) if (!operation.includes('/billing_portal/configurations')) counts[operation] = (counts[operation] ?? 0) + 1;
  if (process.env.DEBUG_EVENTS) console.log((await h.database.db.selectFrom('stripe_events').select(['type', 'received_at']).orderBy('received_at').execute()).map((e) => e.type).join(' '));
  return counts;
}

const total = (counts: Counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

async function main(): Promise<void> {
  await globalSetup();
  const gate = await startStripeGate({ hold: false });
  const h = await startGivingHarness({ config: { stripe: { apiUrl: gate.url } } });
  gate.forwardTo(h.emulator.url);
  // As the finance page's process would call Stripe: through the gate.
  const platformStripe = new Stripe(h.emulator.secretKey, { host: '127.0.0.1', port: Number(new URL(gate.url).port), protocol: 'http' });
  try {
    const scenarios: Array<[string, Counts]> = [];
    let monthlyDonationId = '';
    let onceDonationId = '';
    scenarios.push([
      'one-off card gift',
      await countCalls(h, gate, async () => {
        const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ email: 'calls.once@example.org' }));
        onceDonationId = donation.id;
        await h.pay(sessionId);
      }),
    ]);
    scenarios.push([
      "monthly gift's first payment",
      await countCalls(h, gate, async () => {
        const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ email: 'calls.monthly@example.org', frequency: 'month' }));
        monthlyDonationId = donation.id;
        await h.pay(sessionId);
      }),
    ]);
    scenarios.push(['renewal', await countCalls(h, gate, () => h.helper('/_emulator/advance_time', { seconds: 32 * 24 * 3600 }))]);
    const staff = await aStaffMember(h.database.db, ['finance']);
    scenarios.push([
      'refund (half, from the finance page)',
      await countCalls(h, gate, () => requestRefund(h.database.db, platformStripe, onceDonationId, { amount: '50', reason: 'Asked by the donor', attempt: '1' }, staff.id, 'en')),
    ]);
    if (!monthlyDonationId) throw new Error('no monthly gift');

    console.log('\nStripe calls per gift, by operation\n');
    for (const [name, counts] of scenarios) {
      console.log(`${name}: ${total(counts)} calls`);
      for (const [operation, n] of Object.entries(counts).sort()) console.log(`  ${String(n).padStart(3)}  ${operation}`);
    }
    console.log(`BENCH ${JSON.stringify({ bench: 'stripe-calls', scenarios: Object.fromEntries(scenarios.map(([name, counts]) => [name, { total: total(counts), byOperation: counts }])) })}`);
  } finally {
    await h.stop();
    await gate.close();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
