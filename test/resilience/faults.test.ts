// Gifts made through the whole path (web process, emulator webhooks, worker) while something breaks
// mid-run: a worker killed, Redis restarted empty, Postgres connections dropped, deliveries doubled
// and shuffled. Afterwards one checker compares the ledger, the totals and the mail with the gifts made.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { totalsOf } from '../../server/campaigns/totals';
import { closeContext, openContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { sweepOutbox } from '../../server/outbox/outbox';
import { sendWindows } from '../../server/outbox/send-once';
import { sweepStripeEvents } from '../../server/webhooks/events';
import { processEnvironment } from '../support/context';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { keptAndRecountedTotals } from '../support/ledger-rows';
import { exitOf, killHard, spawnScript, waitForOutput } from '../support/processes';
import { adminDatabaseUrl } from '../support/services';
import { waitUntil } from '../support/wait';

type Child = ReturnType<typeof spawnScript>;

interface Gift {
  email: string;
  slug: string;
  currency: string;
  /** Minor units. */
  amount: number;
  monthly: boolean;
  donationId: string;
}

const slugs = ['speech-therapy-fund', 'general'];
// Each story's gifts: enough for a fault to fall among gifts in flight, in each currency, monthly and once.
const giftsPerRun = 24;
const currencies = ['HKD', 'USD', 'CNY'];

/** The i-th donor of a run: currencies and campaigns in turn, every seventh gift monthly. */
function aGiftPlan(run: string, i: number) {
  const currency = currencies[i % currencies.length]!;
  const majorUnits = 50 + ((i * 7) % 40);
  return {
    slug: slugs[i % slugs.length]!,
    form: aDonor({ email: `${run}-${i}@example.com`, name: `Donor ${i}`, currency, amount: String(majorUnits), frequency: i % 7 === 3 ? 'month' : 'once' }),
    amount: majorUnits * 100,
    currency,
  };
}

/** One gift, start to payment; a donor whose form answered an error tries once more, as people do. */
async function makeGift(h: GivingHarness, run: string, i: number): Promise<Gift> {
  const plan = aGiftPlan(run, i);
  for (let attempt = 0; ; attempt++) {
    try {
      const { donation, sessionId } = await h.give(plan.slug, plan.form);
      const { status } = await h.pay(sessionId);
      if (status !== 'succeeded') throw new Error(`payment ${status}`);
      return { email: plan.form.email, slug: plan.slug, currency: plan.currency, amount: plan.amount, monthly: plan.form.frequency === 'month', donationId: donation.id };
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}

const receiptsTo = (h: GivingHarness, email: string) => h.mail.to(email).filter((m) => /Your receipt \d{4}-\d{6}/.test(m.subject ?? ''));

/**
 * Waits (bounded) until every webhook is delivered, every stored event applied, every owed email sent
 * and every donor receipted; `nudge` runs between polls (the Redis test sweeps there).
 */
async function settled(h: GivingHarness, gifts: Gift[], nudge: () => Promise<void> = async () => undefined): Promise<void> {
  await h.emulator.webhooksSettled();
  const { db } = h.database;
  let state = '';
  await waitUntil('every event applied, every email sent, every donor receipted', async () => {
    await nudge();
    const events = await db.selectFrom('stripe_events').select(['id', 'type', 'attempts', 'last_error']).where('processed_at', 'is', null).execute();
    const outbox = await db.selectFrom('outbox').select(['id', 'queued_at', 'attempts', 'last_error']).where('sent_at', 'is', null).execute();
    const unreceipted = gifts.filter((gift) => receiptsTo(h, gift.email).length === 0).map((gift) => gift.email);
    state = JSON.stringify({ events, outbox, unreceipted });
    return events.length === 0 && outbox.length === 0 && unreceipted.length === 0;
  }, { pollMs: 100, describe: () => state });
}

/**
 * The moments README.md names in which an email can go twice, as the processes logged them: the harness's
 * own worker, and any worker process a test started.
 */
function sendWindowsLogged(h: GivingHarness, workers: Child[]): number {
  const windows: string[] = Object.values(sendWindows);
  const fromChildren = workers.flatMap((child) => child.output.stdout.split('\n')).filter((line) => windows.some((message) => line.includes(`"msg":"${message}"`)));
  return h.logs.filter((line) => windows.includes(line.msg)).length + fromChildren.length;
}

/** The ledger, the campaign totals and the mail against the gifts made. */
async function checkAgainstGifts(h: GivingHarness, gifts: Gift[], { killedWorkers = 0, workers = [] as Child[] } = {}): Promise<void> {
  const { db } = h.database;
  const donations = await db
    .selectFrom('donations')
    .innerJoin('donors', 'donors.id', 'donations.donor_id')
    .select(['donations.id', 'donations.status', 'donations.amount', 'donations.currency', 'donors.email'])
    .execute();
  const ledger = await db.selectFrom('ledger_entries').select(['donation_id', 'campaign_id', 'kind', 'amount', 'currency']).execute();

  // Every paid gift is one succeeded donation with one gift row in the ledger, and nothing else moved.
  const problems: string[] = [];
  for (const gift of gifts) {
    const succeeded = donations.filter((d) => d.email === gift.email && d.status === 'succeeded');
    if (succeeded.length !== 1 || succeeded[0]!.id !== gift.donationId) problems.push(`${gift.email}: ${succeeded.length} succeeded donations`);
    const rows = ledger.filter((e) => e.donation_id === gift.donationId);
    if (rows.length !== 1 || rows[0]!.kind !== 'gift' || rows[0]!.amount !== gift.amount || rows[0]!.currency !== gift.currency) {
      problems.push(`${gift.email}: ledger ${JSON.stringify(rows)}`);
    }
  }
  expect(problems).toEqual([]);
  expect(donations.filter((d) => d.status === 'succeeded')).toHaveLength(gifts.length);
  expect(ledger).toHaveLength(gifts.length);

  // Each campaign's totals, as the public API and finance read them, equal the ledger and the gifts.
  for (const slug of slugs) {
    const campaign = await db.selectFrom('campaigns').select(['id', 'target_currency', 'closed_at', 'ends_at']).where('slug', '=', slug).executeTakeFirstOrThrow();
    const byCurrency = (entries: Array<{ currency: string; amount: number }>) => {
      const sums = new Map<string, number>();
      for (const e of entries) sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amount);
      return [...sums].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => a.currency.localeCompare(b.currency));
    };
    const fromGifts = byCurrency(gifts.filter((g) => g.slug === slug));
    const fromLedger = byCurrency(ledger.filter((e) => e.campaign_id === campaign.id));
    expect(fromLedger).toEqual(fromGifts);
    const api = (await request(h.url).get(`/api/campaigns/${slug}`).expect(200)).body as { raised: unknown; raisedByCurrency: Array<{ currency: string; amount: number }>; donors: number };
    expect(byCurrency(api.raisedByCurrency)).toEqual(fromGifts);
    const totals = await totalsOf(db, campaign);
    expect(api.raised).toEqual(totals.raised);
    expect(api.donors).toBe(gifts.filter((g) => g.slug === slug).length);
    const inTarget = fromGifts.find((m) => m.currency === campaign.target_currency)?.amount ?? 0;
    expect(totals.raised.amount).toBeGreaterThanOrEqual(inTarget);
  }

  // The totals the triggers kept, through every fault, equal the ledger counted afresh.
  const kept = await keptAndRecountedTotals(db);
  expect(kept.sums[0]).toEqual(kept.sums[1]);
  expect(kept.givers[0]).toEqual(kept.givers[1]);

  // Every donor receipted, once, but for the windows README.md states: a killed worker may resend the
  // one email the mail server had accepted before its commit, and a dropped connection may let another
  // run resend one (which the worker logs). A resend keeps its Message-ID.
  const counts = gifts.map((gift) => receiptsTo(h, gift.email).length);
  expect(counts.filter((n) => n < 1)).toEqual([]);
  const duplicates = counts.reduce((sum, n) => sum + (n - 1), 0);
  expect(duplicates).toBeLessThanOrEqual(killedWorkers + sendWindowsLogged(h, workers));
  for (const gift of gifts) expect(new Set(receiptsTo(h, gift.email).map((m) => m.messageId)).size).toBe(1);
  expect(await db.selectFrom('receipts').select('donation_id').execute()).toHaveLength(gifts.length);
}


async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis of this test's own, without persistence: a restart comes back empty. */
async function startPrivateRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return child;
}

describe('gifts made while something breaks', () => {
  const children: ChildProcess[] = [];
  const redisServers: ChildProcess[] = [];
  let h: GivingHarness | undefined;
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) await killHard(child);
    children.length = 0;
    // Before its Redis goes: the in-process worker waits for Redis to close cleanly.
    await h?.stop();
    h = undefined;
    for (const redis of redisServers) if (redis.exitCode === null && redis.signalCode === null) await killHard(redis);
    redisServers.length = 0;
  });

  it('a worker killed mid-run: every gift recorded once, every donor receipted', async () => {
    h = await startGivingHarness({ worker: false });
    const harness = h;
    const startWorkerProcess = (): Child => {
      const { config } = harness;
      const child = spawnScript('jobs/worker.ts', {
        ...processEnvironment(config),
        // One send at a time: a kill can fall between the SMTP server's acceptance and our commit of one email only.
        MAIL_CONCURRENCY: '1',
        MAIL_RATE_PER_SECOND: '20',
      });
      children.push(child);
      return child;
    };
    const first = startWorkerProcess();
    await waitForOutput(first, /worker: ready/);

    const gifts: Gift[] = [];
    for (let i = 0; i < giftsPerRun; i++) {
      gifts.push(await makeGift(h, 'killed', i));
      if (i === 11) {
        await waitUntil('some receipts', () => h!.mail.messages.length >= 5);
        await killHard(first);
        expect(h.mail.messages.length).toBeLessThan(12);
      }
      if (i === 17) await waitForOutput(startWorkerProcess(), /worker: ready/);
    }
    await settled(h, gifts);
    await checkAgainstGifts(h, gifts, { killedWorkers: 1, workers: children as Child[] });
  });

  it('Redis restarted empty mid-run: the sweepers bring back every event and every receipt', async () => {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    redisServers.push(redis);
    h = await startGivingHarness({ config: { redisUrl: `redis://127.0.0.1:${port}` } });
    const gifts: Gift[] = [];
    for (let i = 0; i < giftsPerRun; i++) {
      gifts.push(await makeGift(h, 'redis', i));
      if (i === 11) {
        redis.kill('SIGKILL');
        await exitOf(redis);
      }
      if (i === 15) {
        redis = await startPrivateRedis(port);
        redisServers.push(redis);
      }
    }
    // The sweepers run as BullMQ job schedulers every 60 s (events) and 5 min (outbox); the schedules
    // themselves were lost with Redis and come back on reconnect. Run them here rather than wait.
    const ctx = openContext(h.config, createLogger(h.config));
    let swept = 0;
    try {
      await settled(h, gifts, async () => {
        if (ctx.redis.status !== 'ready') return;
        swept += await sweepStripeEvents(ctx, 0);
        swept += await sweepOutbox(ctx, 0);
      });
    } finally {
      await closeContext(ctx);
    }
    // The webhooks answered while Redis was away were stored but not queued: only the sweep brought them.
    expect(swept).toBeGreaterThan(0);
    await checkAgainstGifts(h, gifts);
  });

  it('Postgres connections dropped while webhooks flow: retried deliveries and jobs record everything once', async () => {
    h = await startGivingHarness();
    const admin = new pg.Client({ connectionString: adminDatabaseUrl });
    await admin.connect();
    let dropped = 0;
    try {
      const gifts: Gift[] = [];
      for (let i = 0; i < giftsPerRun; i++) {
        gifts.push(await makeGift(h, 'pg', i));
        if (i % 5 === 3) {
          const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [h.database.name]);
          dropped += rowCount ?? 0;
        }
      }
      await settled(h, gifts);
      await checkAgainstGifts(h, gifts);
    } finally {
      await admin.end();
    }
    expect(dropped).toBeGreaterThan(0);
  });

  it('every delivery doubled and shuffled: every gift recorded once, every donor receipted once', async () => {
    h = await startGivingHarness();
    h.emulator.holdWebhooks();
    const gifts: Gift[] = [];
    for (let i = 0; i < giftsPerRun; i++) gifts.push(await makeGift(h, 'shuffled', i));
    const events = await h.stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    expect(events.length).toBeGreaterThan(gifts.length * 2);
    const resent = events.map((event) => h!.emulator.resendEvent(event.id));
    await h.emulator.releaseWebhooks('shuffle');
    await Promise.all(resent);
    await settled(h, gifts);
    expect(await h.database.db.selectFrom('stripe_events').select('id').execute()).toHaveLength(events.length);
    await checkAgainstGifts(h, gifts);
  });
});
