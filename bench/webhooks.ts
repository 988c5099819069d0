// Webhook ingestion: distinct signed payment_intent.succeeded events, each a gift to one hot campaign,
// posted once each over 32 keep-alive connections. For the platform, two figures: acknowledged per second
// (until the last 2xx) and fully processed per second (from the first post until every gift is in the
// ledger, the campaign's totals equal the ledger, and every receipt's email job is in BullMQ). Two
// references in the same run, on the same events: a floor (verify the signature, insert the raw event,
// answer 200) and a peer, Supabase's Stripe Sync Engine (`processWebhook` behind the same kind of route).
// Every server runs in a process of its own, as `npm run web` and `npm run worker` run the platform; this
// process only generates load and checks. The gifts really exist in the Stripe emulator (its own process
// too), because the platform's handler reads them back from it.
// Run: npx tsx bench/webhooks.ts [events]   (needs the test services: PostgreSQL and Redis on loopback)
//      BENCH_PROFILE_DIR=/tmp/prof also writes --cpu-prof profiles of the platform's web and worker there;
//      MAIL_RATE_PER_SECOND=1 is handed to the worker, to see the gifts without the receipts being sent
//      (by default the worker sends them at its production default of 20 a second meanwhile).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runMigrations, StripeSync } from '@supabase/stripe-sync-engine';
import express from 'express';
import { Redis } from 'ioredis';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import Stripe from 'stripe';
import { seedDemoData } from '../dev/seed';
import { cpuSecondsOf, deleteRedisKeys, freePort, stopChild } from './processes';
import { startStripeEmulator } from '../dev/stripe-emulator/index';
import { openQueues } from '../server/queues';
import { campaignTotals } from '../server/campaigns/totals';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { processEnvironment, testConfig } from '../test/support/context';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { spawnScript, waitForOutput } from '../test/support/processes';
import { startSmtpSink } from '../test/support/smtp-sink';

const connections = 32;
const warmUp = 200;
const slug = 'speech-therapy-fund';
/** The platform's pools are pg's default of 10 (server/database.ts); the floor and the peer get the same. */
const poolSize = 10;
const secrets = { floor: 'whsec_bench_floor', peer: 'whsec_bench_peer', ours: 'whsec_bench_ours' };

// ---------------------------------------------------------------------------------------------------
// The servers, each run as `tsx bench/webhooks.ts --serve <which> ...` in a process of its own.

function listen(app: express.Express): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      console.log(`listening on ${(server.address() as AddressInfo).port}`);
      resolve(server);
    });
  });
}

function stopOnSignal(stop: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

/** The floor: a minimal handler that only verifies the signature and inserts the raw event. */
async function serveFloor(databaseUrl: string, secret: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query('create table if not exists events (id text primary key, type text not null, payload jsonb not null, received_at timestamptz not null default now())');
  const stripe = new Stripe('sk_test_floor');
  const app = express();
  app.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(req.body as Buffer, req.get('stripe-signature') ?? '', secret);
    } catch {
      res.status(400).end();
      return;
    }
    await pool.query('insert into events (id, type, payload) values ($1, $2, $3) on conflict (id) do nothing', [event.id, event.type, (req.body as Buffer).toString('utf8')]);
    res.json({ received: true });
  });
  const server = await listen(app);
  stopOnSignal(async () => {
    server.close();
    server.closeAllConnections();
    await pool.end();
  });
}

/**
 * The peer: the Stripe Sync Engine's processWebhook behind the same kind of route. It verifies the
 * signature itself (constructEventAsync) and upserts the object into its `stripe` schema. For
 * payment_intent.succeeded (and charge.succeeded, invoice.paid) it uses the object in the event as it is,
 * unless revalidateObjectsViaStripeApi names the type or autoExpandLists finds a list to page through;
 * neither is set here. Checkout sessions would make it list their line items from Stripe. Its Stripe client
 * is pointed at a closed port, so a call it did make would fail the run rather than reach the network.
 */
async function servePeer(databaseUrl: string, secret: string): Promise<void> {
  const sync = new StripeSync({ poolConfig: { connectionString: databaseUrl, max: poolSize }, stripeSecretKey: 'sk_test_peer', stripeWebhookSecret: secret });
  sync.stripe = new Stripe('sk_test_peer', { host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0 });
  const app = express();
  app.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    try {
      await sync.processWebhook(req.body as Buffer, req.get('stripe-signature'));
    } catch (error) {
      console.error('peer: processWebhook failed:', (error as Error).message);
      res.status(400).end();
      return;
    }
    res.json({ received: true });
  });
  const server = await listen(app);
  stopOnSignal(async () => {
    server.close();
    server.closeAllConnections();
    await sync.close();
  });
}

/**
 * The Stripe emulator, with `gifts` one-off payments to the hot campaign made while its webhooks are held;
 * their payment_intent.succeeded events are handed over undelivered and written to `eventsFile` as Stripe
 * would send them (JSON with two-space indents). It then stays up for the platform's worker to read from.
 */
async function serveEmulator(gifts: number, eventsFile: string): Promise<void> {
  // Events are only queued while a webhook URL is set; nothing listens there, and they are never released.
  const emulator = await startStripeEmulator({ webhookUrl: 'http://127.0.0.1:9/held' });
  emulator.holdWebhooks();
  const currencies = ['hkd', 'usd', 'cny'];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < gifts) {
        const i = next++;
        const response = await fetch(`${emulator.url}/_emulator/payment_intents`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            amount: (100 + (i % 40) * 25) * 100,
            currency: currencies[i % currencies.length],
            metadata: { campaign: slug },
            receipt_email: `donor${i}@example.com`,
            description: 'Gift to the speech therapy fund',
          }),
        });
        if (!response.ok) throw new Error(`/_emulator/payment_intents answered ${response.status}: ${await response.text()}`);
      }
    }),
  );
  const events = emulator.takeHeldWebhooks('payment_intent.succeeded');
  if (events.length !== gifts) throw new Error(`the emulator made ${events.length} payment_intent.succeeded events for ${gifts} gifts`);
  writeFileSync(eventsFile, JSON.stringify(events.map((event) => JSON.stringify(event, null, 2))));
  console.log(`emulator ready ${JSON.stringify({ url: emulator.url, secretKey: emulator.secretKey })}`);
  stopOnSignal(() => emulator.stop());
}

// ---------------------------------------------------------------------------------------------------
// The load and the checks.

interface Posted {
  /** From the first request sent to the last 2xx received. */
  seconds: number;
  startedAt: number;
  failures: string[];
}

function post(agent: http.Agent, url: URL, body: Buffer, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), 'Stripe-Signature': signature, 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Posts every payload once, `connections` at a time over keep-alive sockets, each signed just before the run. */
async function postAll(url: string, payloads: string[], secret: string): Promise<Posted> {
  const signer = new Stripe('sk_test_signer');
  const timestamp = Math.floor(Date.now() / 1000);
  const requests = payloads.map((payload) => ({ body: Buffer.from(payload), signature: signer.webhooks.generateTestHeaderString({ payload, secret, timestamp }) }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const failures: string[] = [];
  let next = 0;
  const startedAt = performance.now();
  let lastAcknowledged = startedAt;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < requests.length) {
        const i = next++;
        const { body, signature } = requests[i]!;
        try {
          const status = await post(agent, target, body, signature);
          if (status >= 200 && status < 300) lastAcknowledged = performance.now();
          else failures.push(`event ${i}: HTTP ${status}`);
        } catch (error) {
          failures.push(`event ${i}: ${(error as Error).message}`);
        }
      }
    }),
  );
  agent.destroy();
  return { seconds: (lastAcknowledged - startedAt) / 1000, startedAt, failures };
}

type Child = ReturnType<typeof spawnScript>;

function serve(which: 'floor' | 'peer', databaseUrl: string): Child {
  return spawnScript('bench/webhooks.ts', {}, ['--serve', which, databaseUrl, secrets[which]]);
}

/** Checks every 100 ms (often enough for runs of many seconds, seldom enough not to load the database being measured). */
async function until<T>(what: string, limitMs: number, check: () => Promise<T | undefined>, describe: () => Promise<string>): Promise<T> {
  const started = performance.now();
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (performance.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs / 1000} s; ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function count(db: TestDatabase['db'], query: RawBuilder<unknown>): Promise<number> {
  return Number(((await query.execute(db)).rows[0] as { n: string }).n);
}

/** The platform's progress on the hot campaign: gift rows, receipts, and receipt emails relayed into BullMQ. */
async function progressOf(db: TestDatabase['db'], campaignId: number) {
  const { rows } = await sql<{ events: string; applied: string; gifts: string; receipts: string; relayed: string }>`
    select (select count(*) from stripe_events) as events,
           (select count(*) from stripe_events where processed_at is not null) as applied,
           (select count(*) from ledger_entries where campaign_id = ${campaignId} and kind = 'gift') as gifts,
           (select count(*) from receipts) as receipts,
           (select count(*) from outbox where topic = 'receipt' and queued_at is not null) as relayed`.execute(db);
  const row = rows[0]!;
  return { events: Number(row.events), applied: Number(row.applied), gifts: Number(row.gifts), receipts: Number(row.receipts), relayed: Number(row.relayed) };
}

/** Differences between campaignTotals and sums taken straight from the ledger; none when they agree. */
async function totalsDisagreement(db: TestDatabase['db'], campaign: { id: number; target_currency: string; closed_at: Date | null; ends_at: Date | null }): Promise<string[]> {
  const totals = (await campaignTotals(db, [campaign])).get(campaign.id)!;
  const sums = await db
    .selectFrom('ledger_entries')
    .select(['currency', 'settlement_currency'])
    .select((eb) => [eb.fn.sum<string>('amount').as('amount'), eb.fn.sum<string>('settlement_amount').as('settlement_amount')])
    .where('campaign_id', '=', campaign.id)
    .groupBy(['currency', 'settlement_currency'])
    .execute();
  const byCurrency = new Map<string, number>();
  let raised = 0;
  for (const sum of sums) {
    byCurrency.set(sum.currency, (byCurrency.get(sum.currency) ?? 0) + Number(sum.amount));
    // Every gift here settles in HKD, the campaign's target currency: as given in HKD, as settled otherwise.
    raised += sum.currency === campaign.target_currency ? Number(sum.amount) : Number(sum.settlement_amount);
  }
  const donors = await count(
    db,
    sql`select count(distinct coalesce(d.donor_id::text, d.id::text)) as n
      from (select donation_id from ledger_entries where campaign_id = ${campaign.id} group by donation_id having sum(amount) > 0) g
      join donations d on d.id = g.donation_id`,
  );
  const problems: string[] = [];
  if (totals.raised.amount !== raised) problems.push(`raised ${totals.raised.amount}, ledger ${raised}`);
  for (const [currency, amount] of byCurrency) {
    const reported = totals.raisedByCurrency.find((m) => m.currency === currency)?.amount;
    if (reported !== amount) problems.push(`${currency}: totals ${reported}, ledger ${amount}`);
  }
  if (totals.raisedByCurrency.length !== byCurrency.size) problems.push(`totals name ${totals.raisedByCurrency.length} currencies, the ledger ${byCurrency.size}`);
  if (totals.donors !== donors) problems.push(`donors ${totals.donors}, ledger ${donors}`);
  return problems;
}

/** Every gift exactly once, each with its receipt and its receipt's email job; what is wrong, if anything. */
async function lossesAndDuplicates(db: TestDatabase['db'], events: Stripe.Event[], redisUrl: string, redisPrefix: string): Promise<string[]> {
  const eventIds = events.map((event) => event.id);
  const intentIds = events.map((event) => (event.data.object as Stripe.PaymentIntent).id);
  const expected = events.length;
  const problems: string[] = [];
  const expect = (what: string, actual: number) => {
    if (actual !== expected) problems.push(`${what}: ${actual}, expected ${expected}`);
  };
  expect('stripe_events stored', await count(db, sql`select count(*) as n from stripe_events where id = any(${eventIds})`));
  expect('stripe_events applied', await count(db, sql`select count(*) as n from stripe_events where id = any(${eventIds}) and processed_at is not null`));
  expect('stripe_events in all', await count(db, sql`select count(*) as n from stripe_events`));
  expect('donations for the PaymentIntents', await count(db, sql`select count(*) as n from donations where stripe_payment_intent_id = any(${intentIds})`));
  expect('donations in all', await count(db, sql`select count(*) as n from donations`));
  expect('gift ledger rows', await count(db, sql`select count(*) as n from ledger_entries l join donations d on d.id = l.donation_id where l.kind = 'gift' and d.stripe_payment_intent_id = any(${intentIds})`));
  expect('donations with a gift row', await count(db, sql`select count(distinct l.donation_id) as n from ledger_entries l join donations d on d.id = l.donation_id where l.kind = 'gift' and d.stripe_payment_intent_id = any(${intentIds})`));
  expect('ledger rows in all', await count(db, sql`select count(*) as n from ledger_entries`));
  expect('receipts', await count(db, sql`select count(*) as n from receipts r join donations d on d.id = r.donation_id where d.stripe_payment_intent_id = any(${intentIds})`));
  expect('receipts in all', await count(db, sql`select count(*) as n from receipts`));
  expect('distinct receipt numbers', await count(db, sql`select count(distinct number) as n from receipts`));
  const outbox = await db
    .selectFrom('outbox')
    .select(['id', 'dedupe_key', 'queued_at', 'sent_at', 'payload'])
    .where('topic', '=', 'receipt')
    .execute();
  expect('receipt emails owed (outbox rows)', outbox.length);
  expect('receipt emails relayed (outbox rows queued)', outbox.filter((row) => row.queued_at !== null).length);
  // The relay adds the job (job id = dedupe key) before it marks the row queued. A job BullMQ has finished
  // may already be gone (removeOnComplete keeps 1,000), and then its row is marked sent.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = openQueues(connection, redisPrefix);
  try {
    const emails = queues.queue('emails');
    let jobs = 0;
    for (let start = 0; start < outbox.length; start += 500) {
      const found = await Promise.all(outbox.slice(start, start + 500).map(async (row) => ((await emails.getJob(row.dedupe_key)) !== undefined || row.sent_at !== null ? 1 : 0)));
      jobs += found.reduce<number>((a, b) => a + b, 0);
    }
    expect('receipt email jobs in BullMQ (or sent)', jobs);
  } finally {
    await queues.close();
    connection.disconnect();
  }
  return problems;
}

/** The backends serving one database, which is all of a target's PostgreSQL work. */
async function backendsOf(db: TestDatabase['db'], name: string): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`.execute(db);
  return rows.map((row) => row.pid);
}

interface CpuMeter {
  /** CPU seconds each named process used since the meter started; PostgreSQL counts the database's backends. */
  stop(): Promise<Record<string, number>>;
}

async function meterCpu(processes: Record<string, Child>, database: TestDatabase): Promise<CpuMeter> {
  const pids = Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, child.pid!]));
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const backendsBefore = new Map((await backendsOf(database.db, database.name)).map((pid) => [pid, cpuSecondsOf(pid)]));
  const selfBefore = process.cpuUsage();
  return {
    async stop() {
      const spent: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid) - before[name]!]));
      spent['PostgreSQL'] = (await backendsOf(database.db, database.name)).reduce((sum, pid) => sum + cpuSecondsOf(pid) - (backendsBefore.get(pid) ?? 0), 0);
      const self = process.cpuUsage(selfBefore);
      spent['load generator'] = (self.user + self.system) / 1e6;
      return spent;
    },
  };
}

/**
 * What a database's connections are doing, sampled every 100 ms while `stop` is not called: on average how
 * many wait for a row lock (by the statement waiting), how many sit in a transaction while the client works
 * (by the statement before: then it calls Stripe, renders an email, or just runs Node), and how many run
 * or wait on I/O in PostgreSQL. Statements that account for less than 0.1 on average are not named.
 */
function sampleConnections(db: TestDatabase['db'], name: string): { stop(): Promise<string> } {
  const totals = new Map<string, Map<string, number>>();
  let samples = 0;
  let sampling = true;
  const done = (async () => {
    while (sampling) {
      const sampled = await sql<{ state: string | null; wait: string | null; query: string }>`
        select state, wait_event_type as wait, query from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`
        .execute(db)
        .catch(() => undefined); // the run failed and its database is gone
      if (!sampled) break;
      const { rows } = sampled;
      samples += 1;
      for (const row of rows) {
        const statement = /^\s*(insert into|update|select .*? from|delete from)\s+"?(\w+)"?/is.exec(row.query);
        const what = statement ? `${statement[1]!.split(' ')[0]!.toLowerCase()} ${statement[2]}` : row.query.trim().slice(0, 30);
        const kind =
          row.state === 'active' && row.wait === 'Lock' ? 'waiting for a row lock, at'
          : row.state === 'idle in transaction' ? 'in a transaction, waiting for the client, after'
          : row.state === 'active' ? 'running or writing in PostgreSQL'
          : undefined;
        if (!kind) continue;
        const statements = totals.get(kind) ?? new Map<string, number>();
        statements.set(what, (statements.get(what) ?? 0) + 1);
        totals.set(kind, statements);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const average = (n: number) => (n / samples).toFixed(2);
  return {
    async stop() {
      sampling = false;
      await done;
      return [...totals]
        .map(([kind, statements]) => {
          const sorted = [...statements].sort((a, b) => b[1] - a[1]);
          const sum = sorted.reduce((total, [, n]) => total + n, 0);
          const named = sorted.filter(([, n]) => n / samples >= 0.1).map(([what, n]) => `${what} ${average(n)}`);
          return { sum, line: `${average(sum)} ${kind.endsWith(', at') || kind.endsWith(', after') ? `${kind.replace(/, (at|after)$/, '')} (${named.join(', ') || '…'})` : kind}` };
        })
        .sort((a, b) => b.sum - a.sum)
        .map(({ line }) => line)
        .join('; ');
    },
  };
}

const perEvent = (spent: Record<string, number>, events: number) =>
  Object.entries(spent)
    .map(([name, seconds]) => `${name} ${((seconds * 1000) / events).toFixed(2)}`)
    .join(', ');

const rate = (events: number, seconds: number) => events / seconds;
const fixed = (value: number, digits: number) => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 2_000);
  const total = warmUp + events;
  await globalSetup();
  const eventsFile = path.join(os.tmpdir(), `smilefund-webhooks-${process.pid}.json`);
  const children: Child[] = [];
  const databases: TestDatabase[] = [];
  let redisPrefix: string | undefined;
  const problems: string[] = [];
  try {
    const emulatorProcess = spawnScript('bench/webhooks.ts', {}, ['--serve', 'emulator', String(total), eventsFile]);
    children.push(emulatorProcess);
    const madeStarted = performance.now();
    const emulator = JSON.parse((await waitForOutput(emulatorProcess, /emulator ready (.*)/))[1]!) as { url: string; secretKey: string };
    const payloads = JSON.parse(readFileSync(eventsFile, 'utf8')) as string[];
    rmSync(eventsFile);
    const parsed = payloads.map((payload) => JSON.parse(payload) as Stripe.Event);
    const averageBytes = payloads.reduce((sum, payload) => sum + Buffer.byteLength(payload), 0) / payloads.length;
    const [warming, timed] = [payloads.slice(0, warmUp), payloads.slice(warmUp)];
    console.log(
      `${total.toLocaleString('en')} one-off gifts (HKD, USD, CNY) to ${slug} made in the Stripe emulator in ${((performance.now() - madeStarted) / 1000).toFixed(1)} s; ` +
        `their payment_intent.succeeded events average ${(averageBytes / 1024).toFixed(1)} KB as the emulator writes them`,
    );
    console.log(
      `each target: ${warmUp} events to warm up, then ${events.toLocaleString('en')} timed, each posted once over ${connections} keep-alive connections; ` +
        `every server a process of its own (the floor and the peer: bench/webhooks.ts --serve; ours: server/main.ts and jobs/worker.ts as npm run web / worker run them, ` +
        `NODE_ENV=production, LOG_LEVEL=warn), pg pools of ${poolSize}`,
    );

    // The floor.
    const floorDb = await createTestDatabase({ empty: true });
    databases.push(floorDb);
    const floor = serve('floor', floorDb.url);
    children.push(floor);
    const floorUrl = `http://127.0.0.1:${(await waitForOutput(floor, /listening on (\d+)/))[1]}/webhooks/stripe`;
    problems.push(...(await postAll(floorUrl, warming, secrets.floor)).failures.map((f) => `floor warm-up: ${f}`));
    const floorMeter = await meterCpu({ floor }, floorDb);
    const floorRun = await postAll(floorUrl, timed, secrets.floor);
    const floorCpu = await floorMeter.stop();
    problems.push(...floorRun.failures.map((f) => `floor: ${f}`));
    const floorStored = await count(floorDb.db, sql`select count(*) as n from events`);
    if (floorStored !== total) problems.push(`floor stored ${floorStored} events, expected ${total}`);
    await stopChild(floor);
    const floorRate = rate(events, floorRun.seconds);
    console.log(`floor (verify, insert the raw event)          ${events} in ${floorRun.seconds.toFixed(2).padStart(6)} s = ${floorRate.toFixed(0).padStart(5)}/s`);

    // The peer, on a database of its own with its own migrations.
    const peerDb = await createTestDatabase({ empty: true });
    databases.push(peerDb);
    await runMigrations({ databaseUrl: peerDb.url, schema: 'stripe' });
    const peerTables = await count(peerDb.db, sql`select count(*) as n from information_schema.tables where table_schema = 'stripe' and table_name = 'payment_intents'`);
    if (peerTables !== 1) throw new Error('the Stripe Sync Engine\'s migrations did not create stripe.payment_intents');
    const peer = serve('peer', peerDb.url);
    children.push(peer);
    const peerUrl = `http://127.0.0.1:${(await waitForOutput(peer, /listening on (\d+)/))[1]}/webhooks/stripe`;
    problems.push(...(await postAll(peerUrl, warming, secrets.peer)).failures.map((f) => `peer warm-up: ${f}`));
    const peerMeter = await meterCpu({ peer }, peerDb);
    const peerRun = await postAll(peerUrl, timed, secrets.peer);
    const peerCpu = await peerMeter.stop();
    problems.push(...peerRun.failures.map((f) => `peer: ${f}`));
    const peerStored = await count(peerDb.db, sql`select count(*) as n from stripe.payment_intents`);
    if (peerStored !== total) problems.push(`peer stored ${peerStored} payment intents, expected ${total}`);
    await stopChild(peer);
    const peerRate = rate(events, peerRun.seconds);
    console.log(`peer (Stripe Sync Engine, processWebhook)     ${events} in ${peerRun.seconds.toFixed(2).padStart(6)} s = ${peerRate.toFixed(0).padStart(5)}/s  ${(peerRate / floorRate).toFixed(3)} of the floor`);

    // Ours: the web and worker processes, the emulator for Stripe, an SMTP sink for the receipts.
    const oursDb = await createTestDatabase();
    databases.push(oursDb);
    // Without the closed rounds' offline gifts, so that every donation, ledger row and receipt counted after the run is one of the events'.
    await seedDemoData(oursDb.db, new Date(), { closedRoundMoney: false });
    const campaign = await oursDb.db.selectFrom('campaigns').select(['id', 'target_currency', 'closed_at', 'ends_at']).where('slug', '=', slug).executeTakeFirstOrThrow();
    const mail = await startSmtpSink();
    const config = testConfig({
      databaseUrl: oursDb.url,
      smtpUrl: mail.url,
      stripe: { ...testConfig().stripe, secretKey: emulator.secretKey, webhookSecret: secrets.ours, apiUrl: emulator.url },
    });
    redisPrefix = config.redisPrefix;
    const port = await freePort();
    const profile = process.env.BENCH_PROFILE_DIR;
    const environment = {
      ...processEnvironment(config),
      // The test clock is refused in production; the platform runs on the real one, as the emulator does.
      CLOCK_START: undefined,
      STRIPE_API_URL: emulator.url,
      NODE_ENV: 'production',
      BASE_URL: 'http://localhost',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      // The emulator here answers at once and limits nothing, and the platform is told so: this bench measures
      // applying events, which the peer does without reading Stripe at all (bench:telethon measures Stripe's limits).
      STRIPE_RATE_LIMITS: 'global:100000,op:100000',
      ...(process.env.MAIL_RATE_PER_SECOND ? { MAIL_RATE_PER_SECOND: process.env.MAIL_RATE_PER_SECOND } : {}),
    };
    // Options before the script are node's own; NODE_OPTIONS may not carry --cpu-prof.
    const platform = (script: string, name: string) =>
      profile ? spawnScript('--cpu-prof', environment, [`--cpu-prof-dir=${path.join(profile, name)}`, script]) : spawnScript(script, environment);
    const web = platform('server/main.ts', 'web');
    children.push(web);
    const worker = platform('jobs/worker.ts', 'worker');
    children.push(worker);
    const oursUrl = `http://127.0.0.1:${port}`;
    await until('the web process to answer /healthz', 30_000, async () => ((await fetch(`${oursUrl}/healthz`).catch(() => undefined))?.ok ? true : undefined), async () => web.output.stderr);

    // Done when every gift, receipt and relayed email job is there and the totals agree; a run that has
    // stopped moving for 30 s has lost something, and fails rather than wait out the limit.
    let lastProgress = '';
    let movedAt = performance.now();
    const processed = (expected: number) => async () => {
      const progress = await progressOf(oursDb.db, campaign.id);
      if (JSON.stringify(progress) !== lastProgress) [lastProgress, movedAt] = [JSON.stringify(progress), performance.now()];
      else if (performance.now() - movedAt > 30_000) throw new Error(`nothing moved for 30 s: ${await describe()}`);
      if (progress.gifts < expected || progress.receipts < expected || progress.relayed < expected) return undefined;
      return (await totalsDisagreement(oursDb.db, campaign)).length === 0 ? performance.now() : undefined;
    };
    const describe = async () => `${JSON.stringify(await progressOf(oursDb.db, campaign.id))}; totals: ${(await totalsDisagreement(oursDb.db, campaign)).join(', ') || 'agree'}; worker: ${worker.output.stderr.slice(-2000)}`;

    problems.push(...(await postAll(`${oursUrl}/webhooks/stripe`, warming, secrets.ours)).failures.map((f) => `ours warm-up: ${f}`));
    await until('the warm-up events to be processed', 120_000, processed(warmUp), describe);
    const oursMeter = await meterCpu({ web, worker, emulator: emulatorProcess }, oursDb);
    const oursConnections = sampleConnections(oursDb.db, oursDb.name);
    const oursRun = await postAll(`${oursUrl}/webhooks/stripe`, timed, secrets.ours);
    problems.push(...oursRun.failures.map((f) => `ours: ${f}`));
    if (problems.length > 0) throw new Error(`refused:\n  ${problems.join('\n  ')}`);
    const done = await until('every gift to be processed', 240_000, processed(total), describe);
    const oursCpu = await oursMeter.stop();
    const connectionStates = await oursConnections.stop();
    const processedSeconds = (done - oursRun.startedAt) / 1000;
    const ackedRate = rate(events, oursRun.seconds);
    const processedRate = rate(events, processedSeconds);
    const eventRetries = await count(oursDb.db, sql`select count(*) as n from stripe_events where attempts > 1`);
    const mailed = mail.messages.length;
    await stopChild(worker);
    await stopChild(web);
    await mail.close();
    problems.push(...(await lossesAndDuplicates(oursDb.db, parsed, config.redisUrl, config.redisPrefix)));

    console.log(`ours, acknowledged (web: verify, store, queue) ${events} in ${oursRun.seconds.toFixed(2).padStart(6)} s = ${ackedRate.toFixed(0).padStart(5)}/s  ${(ackedRate / floorRate).toFixed(3)} of the floor (goal 0.8)`);
    console.log(`ours, fully processed (ledger, totals, jobs)  ${events} in ${processedSeconds.toFixed(2).padStart(6)} s = ${processedRate.toFixed(0).padStart(5)}/s  ${(processedRate / peerRate).toFixed(3)} of the peer (goal 1)`);
    console.log(`CPU ms per event, floor: ${perEvent(floorCpu, events)}`);
    console.log(`CPU ms per event, peer:  ${perEvent(peerCpu, events)}`);
    console.log(`CPU ms per event, ours (first post to fully processed): ${perEvent(oursCpu, events)}`);
    console.log(`ours' PostgreSQL connections over that time, on average: ${connectionStates}`);
    if (problems.length > 0) throw new Error(`lost, doubled or refused:\n  ${problems.join('\n  ')}`);
    console.log(
      `checked: ${total} events stored and applied once, ${total} gift ledger rows and receipts, ${total} receipt email jobs relayed into BullMQ, totals equal to the ledger` +
        `; ${eventRetries} events needed a retry; ${mailed} receipts mailed meanwhile (MAIL_RATE_PER_SECOND ${process.env.MAIL_RATE_PER_SECOND ?? 'default, 20'})`,
    );
    console.log(
      `BENCH ${JSON.stringify({
        bench: 'webhooks',
        events,
        eventBytes: Math.round(averageBytes),
        connections,
        floorRate: fixed(floorRate, 0),
        peerRate: fixed(peerRate, 0),
        ackedRate: fixed(ackedRate, 0),
        processedRate: fixed(processedRate, 1),
        ackedToFloor: fixed(ackedRate / floorRate, 3),
        processedToPeer: fixed(processedRate / peerRate, 3),
        peerToFloor: fixed(peerRate / floorRate, 3),
      })}`,
    );
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(eventsFile, { force: true });
    for (const database of databases) await database.drop();
    if (redisPrefix) await deleteRedisKeys(testConfig().redisUrl, redisPrefix);
    await globalTeardown();
  }
}

const [flag, which, ...args] = process.argv.slice(2);
const started: Promise<void> =
  flag !== '--serve'
    ? main()
    : which === 'floor'
      ? serveFloor(args[0]!, args[1]!)
      : which === 'peer'
        ? servePeer(args[0]!, args[1]!)
        : which === 'emulator'
          ? serveEmulator(Number(args[0]), args[1]!)
          : Promise.reject(new Error(`no server called ${which}`));
started.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
