// No Stripe call is made inside an open database transaction (#19): every call the platform makes to Stripe
// is held at a gate until the test has looked at PostgreSQL, and no transaction may sit waiting meanwhile.
import { sql } from 'kysely';
import type Stripe from 'stripe';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { startStripeGate, type StripeGate } from '../support/stripe-gate';

describe('calls to Stripe while a gift is recorded', () => {
  let h: GivingHarness;
  let gate: StripeGate;
  /** The transactions found waiting while a call was held. */
  const waitingTransactions: unknown[] = [];

  beforeAll(async () => {
    gate = await startStripeGate({ hold: true });
    h = await startGivingHarness({ config: { stripe: { apiUrl: gate.url } } });
    gate.forwardTo(h.emulator.url);
  });
  afterAll(async () => {
    await h?.stop();
    await gate?.close();
  });

  /** Transactions of the platform idle between statements, by backend and since when. */
  const idleInTransaction = async () =>
    (
      await sql<{ pid: number; since: string; query: string }>`
        select pid, state_change::text as since, query from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'
      `.execute(h.database.db)
    ).rows;

  /**
   * With calls held at the gate, a transaction that waits on one of them stays idle for as long as it is
   * held; any other finishes its next statement. Looked at ten times, a tenth of a second apart, while held.
   */
  async function lookForTransactionsWaitingOnStripe(): Promise<void> {
    let still = await idleInTransaction();
    for (let look = 0; look < 10 && still.length > 0; look++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await idleInTransaction();
      still = still.filter((one) => again.some((other) => other.pid === one.pid && other.since === one.since));
    }
    waitingTransactions.push(...still);
  }

  /** Does `action`, then waits until every event it caused is applied, letting each Stripe call through only once PostgreSQL has been looked at. */
  async function throughTheGate<T>(action: () => Promise<T>): Promise<T> {
    let finished = false;
    const gatekeeper = (async () => {
      while (!finished) {
        if (gate.held.length > 0) {
          await lookForTransactionsWaitingOnStripe();
          for (const call of gate.held.splice(0)) call.release();
        } else await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      const result = await action();
      await h.settle();
      return result;
    } finally {
      finished = true;
      await gatekeeper;
    }
  }

  it('reads Stripe with no transaction open, for a one-off gift, a monthly gift, a refund and a dispute, and records each once', async () => {
    const once = await throughTheGate(async () => {
      const gift = await h.give('speech-therapy-fund', aDonor({ email: 'gate.once@example.org' }));
      await h.pay(gift.sessionId);
      return gift.donation;
    });
    const monthly = await throughTheGate(async () => {
      const gift = await h.give('speech-therapy-fund', aDonor({ email: 'gate.monthly@example.org', frequency: 'month' }));
      await h.pay(gift.sessionId);
      return gift.donation;
    });
    const refunded = await h.donation(once.id);
    await throughTheGate(() => h.stripe.refunds.create({ payment_intent: refunded.stripe_payment_intent_id!, amount: 4000 }));
    const first = await h.database.db.selectFrom('donations').selectAll().where('recurring_plan_id', '=', monthly.recurring_plan_id!).executeTakeFirstOrThrow();
    await throughTheGate(() => h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: first.stripe_charge_id }));

    // The gate saw the platform read Stripe while applying events, and never with a transaction waiting.
    expect(gate.calls.filter((operation) => operation.startsWith('GET ')).length).toBeGreaterThan(3);
    expect(waitingTransactions).toEqual([]);

    const ledger = await h.database.db
      .selectFrom('ledger_entries')
      .select(['donation_id', 'kind', 'amount'])
      .where('donation_id', 'in', [once.id, first.id])
      .orderBy('id')
      .execute();
    expect(ledger).toEqual([
      { donation_id: once.id, kind: 'gift', amount: 10000 },
      { donation_id: first.id, kind: 'gift', amount: 10000 },
      { donation_id: once.id, kind: 'refund', amount: -4000 },
      { donation_id: first.id, kind: 'dispute', amount: -10000 },
    ]);
    expect((await h.donation(once.id)).status).toBe('partially_refunded');
    expect((await h.donation(first.id)).status).toBe('disputed');
    const plan = await h.database.db.selectFrom('recurring_plans').select('status').where('id', '=', monthly.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan.status).toBe('active');
  });
});
