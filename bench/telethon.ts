// A televised appeal (issue #19): donors arrive at a steady rate (open loop: each at its own time, however
// slowly the platform answers the ones before), post the donate form, follow the platform to Stripe
// Checkout (through its waiting page, if it sends them there, as a browser follows <meta http-equiv=refresh>),
// and pay. The platform runs as production runs it (`npm run web` and `npm run worker`, NODE_ENV=production,
// LOG_LEVEL=warn); the Stripe emulator, in a process of its own, answers every API call after a network-like
// delay, enforces Stripe's rate limits with its 429s, and delivers webhooks to the web process. Receipts go
// to an SMTP sink in this process. Measured: donors refused, donors who waited and how long, time to
// Checkout, gifts lost or doubled (the emulator's payments against the platform's ledger), payment → receipt
// lag, Stripe calls per gift by operation (counted by the emulator) and each operation's peak against its limit.
// Run: npx tsx bench/telethon.ts [rate gifts/s] [duration s] [latency mean,jitter ms] [limits] [--monthly=share] [--think=s] [--delivery=stripe|ordered]
//      limits: live | sandbox | none | e.g. "global:100,op:25,POST /v1/checkout/sessions:100"
//      delivery: webhooks as Stripe sends them (the default: several at once, in no set order, some twice), or
//      one at a time in order, once.
//      MAIL_RATE_PER_SECOND and MAIL_CONCURRENCY (here 100 and 10, a transactional mail provider's usual
//      allowance; the platform's own defaults are 20 and 5) are handed to the worker: an operator sizes them to their provider.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import Stripe from 'stripe';
import { seedDemoData } from '../dev/seed';
import { cpuSecondsOf, deleteRedisKeys, freePort, stopChild } from './processes';
import { startStripeEmulator } from '../dev/stripe-emulator/index';
import { stripeLikeDelivery, type DeliveryOptions } from '../dev/stripe-emulator/webhooks';
import { operationLimit, rateLimitsOf, stripeLoadFromEnv, type StripeCallSecond, type StripeLoadOptions, type StripeRateLimits } from '../dev/stripe-emulator/load';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { processEnvironment, testConfig } from '../test/support/context';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { spawnScript, waitForOutput } from '../test/support/processes';

const slug = 'speech-therapy-fund';
const webhookSecret = 'whsec_bench_telethon';
const amounts = ['100', '250', '800'];
const warmUpDonors = 3;
/** A donor still not on Checkout after this long gives up, and counts as refused. */
const patienceMs = 10 * 60_000;
/** Once arrivals end: how long receipts may keep coming in all, and how long nothing may move. */
const drainLimitMs = 15 * 60_000;
const stillLimitMs = 90_000;

// ---------------------------------------------------------------------------------------------------
// The emulator, run as `tsx bench/telethon.ts --serve emulator <json>` in a process of its own; it answers
// GET /calls on a second port with what it counted (its API port is rate limited, and that is not).

/**
 * The mail provider the bench gives the worker unless MAIL_RATE_PER_SECOND and MAIL_CONCURRENCY say otherwise:
 * 100 emails a second over 10 connections, a transactional provider's usual allowance (the platform's own
 * defaults, 20 and 5, suit a charity's everyday SMTP account, and put an appeal's receipts minutes behind).
 */
const benchMail = { ratePerSecond: '100', concurrency: '10' };

async function serveEmulator(settings: { load: StripeLoadOptions; webhookUrl: string; delivery?: DeliveryOptions }): Promise<void> {
  const emulator = await startStripeEmulator({ webhookUrl: settings.webhookUrl, webhookSecret, load: settings.load, delivery: settings.delivery });
  const stats = http.createServer((req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(req.url === '/webhooks' ? { waiting: emulator.webhooksWaiting() } : emulator.stripeCalls())),
  );
  await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
  const callsUrl = `http://127.0.0.1:${(stats.address() as AddressInfo).port}/calls`;
  console.log(`emulator ready ${JSON.stringify({ url: emulator.url, secretKey: emulator.secretKey, callsUrl })}`);
  process.once('SIGTERM', () => {
    stats.close();
    stats.closeAllConnections();
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// HTTP, lean: node's own client over keep-alive agents, bodies read only where they are looked at.

interface Answer {
  status: number;
  location: string | undefined;
  setCookie: string[];
  body: string;
}

function send(agent: http.Agent, url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body?: string, readBody = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      const status = response.statusCode ?? 0;
      // A redirect's body says nothing; a page's (a waiting page, an error page) is read.
      if (readBody && status !== 303 && status !== 302) response.on('data', (chunk: Buffer) => chunks.push(chunk));
      else response.resume();
      response.on('end', () =>
        resolve({
          status,
          location: response.headers.location,
          setCookie: response.headers['set-cookie'] ?? [],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The refresh a waiting page asks for, as a browser reads `<meta http-equiv="refresh" content="N[; url=…]">`. */
function refreshOf(html: string): { seconds: number; url: string | undefined } | undefined {
  const tag = /<meta[^>]+http-equiv=["']?refresh["']?[^>]*>/i.exec(html)?.[0];
  const content = tag && /content=(?:"([^"]*)"|'([^']*)')/i.exec(tag);
  if (!content) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:[;,]\s*(?:url\s*=\s*)?['"]?([^'"]*)['"]?)?\s*$/i.exec(content[1] ?? content[2] ?? '');
  if (!match) return undefined;
  return { seconds: Number(match[1]), url: match[2]?.trim() || undefined };
}

/** What a refused donor saw, in a few words: the status and the page's title or first heading. */
function refusalOf(answer: Answer): string {
  const title = /<title[^>]*>([^<]*)</i.exec(answer.body)?.[1] ?? /<h1[^>]*>([^<]*)</i.exec(answer.body)?.[1] ?? answer.body.slice(0, 80);
  return `HTTP ${answer.status}${title ? ` "${title.trim().replace(/\s+/g, ' ').slice(0, 80)}"` : ''}`;
}

// ---------------------------------------------------------------------------------------------------
// The donors.

interface Donor {
  index: number;
  email: string;
  monthly: boolean;
  /** performance.now() of its arrival, as scheduled (open loop: a late start still counts from here). */
  arrivesAt: number;
  /** How late this process was in starting it, ms. */
  startedLateMs: number;
  refused?: string;
  /** When the platform first sent it to its waiting page. */
  waitingSince?: number;
  onCheckoutAt?: number;
  sessionId?: string;
  paidAt?: number;
  payFailure?: string;
}

interface Targets {
  web: URL;
  agents: { web: http.Agent; emulator: http.Agent };
  emulatorUrl: string;
  secretKey: string;
  thinkMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A network of its own per donor (X-Forwarded-For, which the platform trusts from loopback as from its proxy): 10.0.0.1, 10.0.0.2, … */
const networkOf = (index: number) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

async function give(donor: Donor, targets: Targets, run: string): Promise<void> {
  const cookies = new Map<string, string>();
  const headers = (): Record<string, string> => ({
    Accept: 'text/html',
    'X-Forwarded-For': networkOf(donor.index + 1),
    ...(cookies.size > 0 ? { Cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
  });
  const keep = (answer: Answer) => {
    for (const line of answer.setCookie) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  };
  const form = new URLSearchParams({
    amount: amounts[donor.index % amounts.length]!,
    currency: 'HKD',
    frequency: donor.monthly ? 'month' : 'once',
    email: donor.email,
    name: `Telethon Donor ${donor.index}`,
    message: '',
    dedication_kind: '',
    dedication_name: '',
    locale: 'en',
  }).toString();
  let url = new URL(`/campaigns/${slug}/donate`, targets.web);
  let method: 'GET' | 'POST' = 'POST';
  try {
    for (;;) {
      if (performance.now() - donor.arrivesAt > patienceMs) {
        donor.refused = `not on Checkout after ${patienceMs / 60_000} minutes`;
        return;
      }
      const answer: Answer =
        method === 'POST'
          ? await send(targets.agents.web, url, 'POST', { ...headers(), 'Content-Type': 'application/x-www-form-urlencoded' }, form)
          : await send(targets.agents.web, url, 'GET', headers());
      keep(answer);
      if ((answer.status === 303 || answer.status === 302) && answer.location) {
        const next: URL = new URL(answer.location, url);
        const checkout = /\/pay\/(cs_\w+)/.exec(next.pathname)?.[1];
        if (next.origin === targets.emulatorUrl && checkout) {
          donor.onCheckoutAt = performance.now();
          donor.sessionId = checkout;
          break;
        }
        if (next.origin !== targets.web.origin) {
          donor.refused = `sent to ${next.origin}${next.pathname}`;
          return;
        }
        // Sent to a page of the platform's own that is not the form again: its waiting page.
        donor.waitingSince ??= performance.now();
        [url, method] = [next, 'GET'];
        continue;
      }
      const refresh = answer.status === 200 ? refreshOf(answer.body) : undefined;
      if (refresh && (refresh.url || method === 'GET')) {
        donor.waitingSince ??= performance.now();
        await sleep(refresh.seconds * 1000);
        if (refresh.url) url = new URL(refresh.url, url);
        method = 'GET';
        continue;
      }
      donor.refused = `${method === 'POST' ? 'the form' : 'its waiting page'}: ${refusalOf(answer)}`;
      return;
    }
  } catch (error) {
    donor.refused = `connection: ${(error as Error).message}`;
    return;
  }
  if (targets.thinkMs > 0) await sleep(targets.thinkMs);
  try {
    const paid = await send(
      targets.agents.emulator,
      new URL(`/_emulator/checkout/sessions/${donor.sessionId}/pay`, targets.emulatorUrl),
      'POST',
      { Authorization: `Bearer ${targets.secretKey}`, 'Content-Type': 'application/json' },
      JSON.stringify({ card_number: '4242424242424242' }),
    );
    const status = paid.status === 200 ? (JSON.parse(paid.body) as { status: string }).status : undefined;
    if (status === 'succeeded') donor.paidAt = performance.now();
    else donor.payFailure = `${run}: pay answered ${paid.status} ${status ?? paid.body.slice(0, 120)}`;
  } catch (error) {
    donor.payFailure = `pay: ${(error as Error).message}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// The receipts: an SMTP server that only notes who each message is to and when it finished arriving
// (parsing thousands of receipts with their PDFs would make this process the bottleneck).

interface Inbox {
  url: string;
  /** performance.now() of the first message to each address, lower-cased. */
  first: Map<string, number>;
  /** Messages per address. */
  count: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

async function startInbox(): Promise<Inbox> {
  const first = new Map<string, number>();
  const count = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      stream.on('end', () => {
        const at = performance.now();
        total += 1;
        for (const { address } of session.envelope.rcptTo) {
          const to = address.toLowerCase();
          if (!first.has(to)) first.set(to, at);
          count.set(to, (count.get(to) ?? 0) + 1);
        }
        callback();
      });
      stream.resume();
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    first,
    count,
    total: () => total,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------
// Figures.

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

const seconds = (ms: number, digits = 2) => (Number.isFinite(ms) ? Number((ms / 1000).toFixed(digits)) : null);
const secondsText = (s: { p50: number; p99: number; max: number; n: number }) => (s.n === 0 ? '–' : `${seconds(s.p50)} / ${seconds(s.p99)} / ${seconds(s.max)} s`);

interface OperationFigures {
  operation: string;
  calls: number;
  perGift: number;
  refused: number;
  limit: number | null;
  peakPerSecond: number;
  peakShare: number | null;
  /** Seconds in which the operation had calls refused, or used its whole limit. */
  secondsAtLimit: number;
}

function operationFigures(calls: Record<string, StripeCallSecond[]>, fromSecond: number, toSecond: number, gifts: number, limits: StripeRateLimits | undefined) {
  const perSecondAll = new Map<number, number>();
  const operations: OperationFigures[] = [];
  for (const [operation, entries] of Object.entries(calls)) {
    const inRun = entries.filter((entry) => entry.second >= fromSecond && entry.second <= toSecond);
    if (inRun.length === 0) continue;
    const limit = limits ? operationLimit(limits, operation) : null;
    let admitted = 0;
    let refused = 0;
    let peak = 0;
    let atLimit = 0;
    for (const entry of inRun) {
      admitted += entry.admitted;
      refused += entry.refused;
      peak = Math.max(peak, entry.admitted);
      if (entry.refused > 0 || (limit !== null && entry.admitted >= limit)) atLimit += 1;
      perSecondAll.set(entry.second, (perSecondAll.get(entry.second) ?? 0) + entry.admitted);
    }
    operations.push({
      operation,
      calls: admitted,
      perGift: gifts ? Number((admitted / gifts).toFixed(2)) : 0,
      refused,
      limit,
      peakPerSecond: peak,
      peakShare: limit ? Number((peak / limit).toFixed(2)) : null,
      secondsAtLimit: atLimit,
    });
  }
  operations.sort((a, b) => b.calls - a.calls);
  const globalPeak = Math.max(0, ...perSecondAll.values());
  return { operations, globalPeak, globalShare: limits ? Number((globalPeak / limits.global).toFixed(2)) : null };
}

// ---------------------------------------------------------------------------------------------------
// The run.

/** Where a gift is waiting: its webhook at Stripe (the emulator), its event's job, its receipt's job. */
interface Backlog {
  webhooks: number;
  events: number;
  emails: number;
}

const backlogText = (b: Backlog) => `webhooks ${b.webhooks}, events ${b.events}, emails ${b.emails}`;

/** Samples the backlog of each stage once a second until stopped; stop() gives each stage's peak. */
function sampleBacklog(callsUrl: string, redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const jobsOf = async (queue: string) => {
    const [[, waiting], [, active], [, delayed], [, prioritized]] = (await redis
      .multi()
      .llen(`${prefix}:${queue}:wait`)
      .llen(`${prefix}:${queue}:active`)
      .zcard(`${prefix}:${queue}:delayed`)
      .zcard(`${prefix}:${queue}:prioritized`)
      .exec()) as Array<[Error | null, number]> as [[Error | null, number], [Error | null, number], [Error | null, number], [Error | null, number]];
    return waiting + active + delayed + prioritized;
  };
  let latest: Backlog = { webhooks: 0, events: 0, emails: 0 };
  const peaks: Backlog = { ...latest };
  const sample = async () => {
    const webhooks = ((await (await fetch(callsUrl.replace(/\/calls$/, '/webhooks'))).json()) as { waiting: number }).waiting;
    latest = { webhooks, events: await jobsOf('stripe-events'), emails: await jobsOf('emails') };
    for (const stage of ['webhooks', 'events', 'emails'] as const) peaks[stage] = Math.max(peaks[stage], latest[stage]);
  };
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sample().catch(() => undefined);
  }, 1000);
  return {
    latest: () => latest,
    async stop(): Promise<Backlog> {
      clearInterval(timer);
      await sampling;
      redis.disconnect();
      return peaks;
    },
  };
}

type Child = ReturnType<typeof spawnScript>;

async function until(what: string, limitMs: number, check: () => Promise<boolean>, describe: () => string): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs / 1000} s; ${describe()}`);
    await sleep(200);
  }
}

interface Arguments {
  rate: number;
  duration: number;
  latencyText: string;
  limitsText: string;
  monthlyShare: number;
  thinkSeconds: number;
  delivery: 'stripe' | 'ordered';
}

function readArguments(argv: string[]): Arguments {
  const positional = argv.filter((arg) => !arg.startsWith('--'));
  const flag = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const args: Arguments = {
    rate: Number(positional[0] ?? 5),
    duration: Number(positional[1] ?? 20),
    latencyText: positional[2] ?? '150,50',
    limitsText: positional[3] ?? 'live',
    monthlyShare: Number(flag('monthly') ?? 0),
    thinkSeconds: Number(flag('think') ?? 0),
    delivery: flag('delivery') === 'ordered' ? 'ordered' : 'stripe',
  };
  if (!['stripe', 'ordered', undefined].includes(flag('delivery'))) throw new Error('--delivery: stripe (the default) or ordered');
  if (!(args.rate > 0) || !(args.duration > 0)) throw new Error('usage: bench/telethon.ts [rate gifts/s] [duration s] [latency mean,jitter] [live|sandbox|none|global:N,op:N,"POST /v1/…:N"] [--monthly=0.1] [--think=s]');
  if (!(args.monthlyShare >= 0 && args.monthlyShare <= 1)) throw new Error('--monthly: a share from 0 to 1');
  return args;
}

function loadOf(args: Arguments): StripeLoadOptions {
  return (
    stripeLoadFromEnv({
      STRIPE_EMULATOR_LATENCY_MS: args.latencyText === '0' ? undefined : args.latencyText,
      STRIPE_EMULATOR_LIMITS: args.limitsText === 'none' ? undefined : args.limitsText,
    }) ?? {}
  );
}

async function main(): Promise<void> {
  const args = readArguments(process.argv.slice(2));
  const load = loadOf(args);
  const limits = rateLimitsOf(load.limits);
  const total = Math.round(args.rate * args.duration);
  const run = `t${process.pid}`;
  await globalSetup();
  const children: Child[] = [];
  let database: TestDatabase | undefined;
  let redisPrefix: string | undefined;
  const inbox = await startInbox();
  const agents = { web: new http.Agent({ keepAlive: true, maxSockets: 1024 }), emulator: new http.Agent({ keepAlive: true, maxSockets: 256 }) };
  try {
    database = await createTestDatabase();
    await seedDemoData(database.db, new Date());
    const port = await freePort();
    const mailRate = process.env.MAIL_RATE_PER_SECOND ?? benchMail.ratePerSecond;
    const mailConcurrency = process.env.MAIL_CONCURRENCY ?? benchMail.concurrency;
    const webUrl = `http://127.0.0.1:${port}`;

    const emulatorProcess = spawnScript('bench/telethon.ts', {}, ['--serve', 'emulator', JSON.stringify({ load, webhookUrl: `${webUrl}/webhooks/stripe`, delivery: args.delivery === 'stripe' ? stripeLikeDelivery : undefined })]);
    children.push(emulatorProcess);
    const emulator = JSON.parse((await waitForOutput(emulatorProcess, /emulator ready (.*)/))[1]!) as { url: string; secretKey: string; callsUrl: string };

    const config = testConfig({
      databaseUrl: database.url,
      smtpUrl: inbox.url,
      clockStart: undefined,
      stripe: { ...testConfig().stripe, secretKey: emulator.secretKey, webhookSecret, apiUrl: emulator.url },
    });
    redisPrefix = config.redisPrefix;
    const environment = {
      ...processEnvironment(config),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      BASE_URL: webUrl,
      PORT: String(port),
      // The platform is told the account's limits, as an operator told of raised limits would configure it.
      ...(args.limitsText !== 'none' ? { STRIPE_RATE_LIMITS: args.limitsText } : {}),
      MAIL_RATE_PER_SECOND: mailRate,
      MAIL_CONCURRENCY: mailConcurrency,
    };
    const web = spawnScript('server/main.ts', environment);
    children.push(web);
    const worker = spawnScript('jobs/worker.ts', environment);
    children.push(worker);
    await until('the web process to answer /healthz', 60_000, async () => (await fetch(`${webUrl}/healthz`).catch(() => undefined))?.ok === true, () => web.output.stderr.slice(-2000));

    const targets: Targets = { web: new URL(webUrl), agents, emulatorUrl: emulator.url, secretKey: emulator.secretKey, thinkMs: args.thinkSeconds * 1000 };
    const describeProcesses = () => `web: ${web.output.stderr.slice(-1500)}\nworker: ${worker.output.stderr.slice(-1500)}`;

    // A few donors one after another first: the whole path works, and the processes have warmed up.
    for (let i = 0; i < warmUpDonors; i++) {
      const donor: Donor = { index: 1_000_000 + i, email: `warm-${i}@${run}.example.com`, monthly: false, arrivesAt: performance.now(), startedLateMs: 0 };
      await give(donor, targets, run);
      if (donor.refused || donor.payFailure || donor.paidAt === undefined) throw new Error(`warm-up donor: ${donor.refused ?? donor.payFailure}\n${describeProcesses()}`);
    }
    await until('the warm-up receipts', 120_000, async () => inbox.total() >= warmUpDonors, describeProcesses);
    const warmGifts = Number(
      ((await sql<{ n: string }>`select count(*) as n from ledger_entries where kind = 'gift'`.execute(database.db)).rows[0] as { n: string }).n,
    );
    await sleep(1500); // the warm-up's calls leave the limiter's one-second windows

    console.log(
      `telethon: ${args.rate} gifts/s for ${args.duration} s (${total} donors${args.monthlyShare ? `, ${Math.round(args.monthlyShare * 100)} % monthly` : ''}), ` +
        `Stripe latency ${load.latencyMs ? `${load.latencyMs.mean} ± ${load.latencyMs.jitter} ms` : 'none'}, limits ${limits ? `global ${limits.global}/s, per operation ${limits.perOperation}/s${Object.keys(limits.operations ?? {}).length ? `, ${Object.entries(limits.operations!).map(([op, n]) => `${op} ${n}/s`).join(', ')}` : ''}` : 'none'}; ` +
        `npm run web + npm run worker (NODE_ENV=production, LOG_LEVEL=warn, STRIPE_RATE_LIMITS ${args.limitsText !== 'none' ? `"${args.limitsText}"` : 'unset'}, MAIL_RATE_PER_SECOND ${mailRate}, MAIL_CONCURRENCY ${mailConcurrency}), ` +
        `emulator in its own process delivering webhooks ${args.delivery === 'stripe' ? `as Stripe does (${stripeLikeDelivery.concurrency} at once, in no set order, ${Math.round((stripeLikeDelivery.duplicates ?? 0) * 100)} % twice)` : 'one at a time, in order, once'}`,
    );

    // The appeal: arrival i at start + i / rate, each donor on its own from then on.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = { driver: process.cpuUsage(), web: cpuSecondsOf(web.pid!), worker: cpuSecondsOf(worker.pid!), emulator: cpuSecondsOf(emulatorProcess.pid!) };
    const startedAt = performance.now();
    const startedEpoch = Date.now();
    const backlog = sampleBacklog(emulator.callsUrl, config.redisUrl, config.redisPrefix);
    const donors: Donor[] = [];
    const journeys: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      let next = 0;
      const launchDue = () => {
        const now = performance.now();
        while (next < total && startedAt + (next * 1000) / args.rate <= now) {
          const arrivesAt = startedAt + (next * 1000) / args.rate;
          const donor: Donor = { index: next, email: `donor-${next}@${run}.example.com`, monthly: Math.floor((next + 1) * args.monthlyShare) > Math.floor(next * args.monthlyShare), arrivesAt, startedLateMs: now - arrivesAt };
          donors.push(donor);
          journeys.push(give(donor, targets, run));
          next += 1;
        }
        if (next >= total) return resolve();
        setTimeout(launchDue, Math.max(0, startedAt + (next * 1000) / args.rate - performance.now()));
      };
      launchDue();
    });
    const arrivalsEndedAt = performance.now();
    const backlogAtArrivalsEnd = backlog.latest();
    await Promise.all(journeys);
    const journeysEndedAt = performance.now();

    // Every paid donor's receipt, or until nothing has moved for a while.
    const paid = donors.filter((donor) => donor.paidAt !== undefined);
    let received = 0;
    let movedAt = performance.now();
    const drainStarted = performance.now();
    let reportedAt = drainStarted;
    while (performance.now() - drainStarted < drainLimitMs && performance.now() - movedAt < stillLimitMs) {
      const now = paid.filter((donor) => inbox.first.has(donor.email)).length;
      if (now !== received) [received, movedAt] = [now, performance.now()];
      if (received >= paid.length) break;
      // A long backlog is not silence: a line every 15 s says how far the receipts are.
      if (performance.now() - reportedAt >= 15_000) {
        reportedAt = performance.now();
        console.log(`waiting for receipts: ${received} of ${paid.length} after ${((performance.now() - journeysEndedAt) / 1000).toFixed(0)} s`);
      }
      await sleep(250);
    }
    const drainedAt = performance.now();
    const backlogPeaks = await backlog.stop();
    loopDelay.disable();
    const cpu = {
      driver: (() => {
        const used = process.cpuUsage(cpuBefore.driver);
        return (used.user + used.system) / 1e6;
      })(),
      web: cpuSecondsOf(web.pid!) - cpuBefore.web,
      worker: cpuSecondsOf(worker.pid!) - cpuBefore.worker,
      emulator: cpuSecondsOf(emulatorProcess.pid!) - cpuBefore.emulator,
    };
    // Let webhooks still in flight and their events land before counting the ledger.
    await sleep(2000);
    const calls = (await (await fetch(emulator.callsUrl)).json()) as Record<string, StripeCallSecond[]>;
    const endEpoch = Date.now();

    // What the emulator paid, against the platform's donations and gift ledger rows.
    const stripe = new Stripe(emulator.secretKey, { host: '127.0.0.1', port: Number(new URL(emulator.url).port), protocol: 'http', maxNetworkRetries: 5 });
    const emulatorIntents: string[] = [];
    for await (const intent of stripe.paymentIntents.list({ limit: 100 })) if (intent.status === 'succeeded') emulatorIntents.push(intent.id);
    const paidSessions = paid.map((donor) => donor.sessionId!);
    const rows = await sql<{ session: string | null; intent: string | null; gifts: string }>`
      select d.stripe_checkout_session_id as session, d.stripe_payment_intent_id as intent, count(l.id) as gifts
      from donations d left join ledger_entries l on l.donation_id = d.id and l.kind = 'gift'
      where d.stripe_checkout_session_id = any(${paidSessions}) or d.stripe_payment_intent_id = any(${emulatorIntents})
      group by d.id`.execute(database.db);
    const giftsBySession = new Map<string, number>();
    const giftsByIntent = new Map<string, number>();
    for (const row of rows.rows) {
      if (row.session) giftsBySession.set(row.session, (giftsBySession.get(row.session) ?? 0) + Number(row.gifts));
      if (row.intent) giftsByIntent.set(row.intent, (giftsByIntent.get(row.intent) ?? 0) + Number(row.gifts));
    }
    const allGifts = Number(((await sql<{ n: string }>`select count(*) as n from ledger_entries where kind = 'gift'`.execute(database.db)).rows[0] as { n: string }).n) - warmGifts;
    const lostSessions = paidSessions.filter((session) => (giftsBySession.get(session) ?? 0) === 0);
    const doubledSessions = paidSessions.filter((session) => (giftsBySession.get(session) ?? 0) > 1);
    const intentsWithoutGift = emulatorIntents.filter((intent) => (giftsByIntent.get(intent) ?? 0) === 0).length;
    const runIntents = emulatorIntents.length - warmUpDonors;
    const lost = Math.max(lostSessions.length, intentsWithoutGift, runIntents - allGifts);
    const doubled = Math.max(doubledSessions.reduce((sum, session) => sum + giftsBySession.get(session)! - 1, 0), allGifts - runIntents, 0);

    // The figures.
    const refused = donors.filter((donor) => donor.refused !== undefined);
    const reasons = new Map<string, number>();
    for (const donor of refused) reasons.set(donor.refused!, (reasons.get(donor.refused!) ?? 0) + 1);
    const waited = donors.filter((donor) => donor.waitingSince !== undefined);
    const waits = spread(waited.filter((donor) => donor.onCheckoutAt !== undefined).map((donor) => donor.onCheckoutAt! - donor.waitingSince!));
    const toCheckout = spread(donors.filter((donor) => donor.onCheckoutAt !== undefined).map((donor) => donor.onCheckoutAt! - donor.arrivesAt));
    const lags = spread(paid.filter((donor) => inbox.first.has(donor.email)).map((donor) => inbox.first.get(donor.email)! - donor.paidAt!));
    const unreceipted = paid.length - lags.n;
    const receiptsDoubled = paid.filter((donor) => (inbox.count.get(donor.email) ?? 0) > 1).length;
    const payFailures = donors.filter((donor) => donor.payFailure !== undefined);
    const stripeCalls = operationFigures(calls, Math.floor(startedEpoch / 1000), Math.floor(endEpoch / 1000), paid.length, limits);
    const totalCalls = stripeCalls.operations.reduce((sum, op) => sum + op.calls, 0);
    const total429 = stripeCalls.operations.reduce((sum, op) => sum + op.refused, 0);
    const late = spread(donors.map((donor) => donor.startedLateMs));
    const arrivalSeconds = (arrivalsEndedAt - startedAt) / 1000;

    const perOp = limits?.perOperation;
    const defaultLive = limits !== undefined && limits.global === 100 && limits.perOperation === 25 && Object.keys(limits.operations ?? {}).length === 0;
    const goals = [
      {
        goal: 'at 20 gifts/s on live default limits: 0 waited, p99 payment → receipt under 10 s',
        // From 25 gifts a second live limits make waiting certain (25 Checkout Sessions a second): the goal below judges those runs.
        applies: args.rate >= 20 && args.rate < 25 && defaultLive,
        met: waited.length === 0 && lags.n > 0 && unreceipted === 0 && lags.p99 < 10_000,
      },
      {
        goal: 'at 50 gifts/s, per-operation limit 100/s: 0 refused, 0 waited, p99 payment → receipt under 30 s',
        applies: args.rate >= 50 && perOp !== undefined && perOp >= 100,
        met: refused.length === 0 && waited.length === 0 && lags.n > 0 && unreceipted === 0 && lags.p99 < 30_000,
      },
      {
        goal: 'at 50 gifts/s on default limits: 0 refused, every donor on Checkout within 2 minutes',
        applies: args.rate >= 50 && defaultLive,
        met: refused.length === 0 && toCheckout.n === total && toCheckout.max <= 120_000,
      },
      { goal: 'at any rate: 0 donors refused', applies: true, met: refused.length === 0 },
      { goal: 'at any rate: 0 gifts lost or doubled', applies: true, met: lost === 0 && doubled === 0 && payFailures.length === 0 },
    ];

    const table: Array<[string, string]> = [
      ['donors arrived', `${total} in ${arrivalSeconds.toFixed(1)} s (${(total / arrivalSeconds).toFixed(1)}/s offered; started late p99 ${late.p99.toFixed(0)} ms, max ${late.max.toFixed(0)} ms)`],
      ['donors refused', `${refused.length} of ${total}${refused.length ? `: ${[...reasons].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([why, n]) => `${n} × ${why}`).join('; ')}` : ''}`],
      ['donors who waited', `${waited.length} of ${total}${waits.n ? `, waited p50 / p99 / max ${secondsText(waits)}` : ''}`],
      ['arrival → on Checkout', `p50 / p99 / max ${secondsText(toCheckout)} (${toCheckout.n} reached it)`],
      ['paid on Checkout', `${paid.length}${payFailures.length ? ` (${payFailures.length} payments failed: ${payFailures[0]!.payFailure})` : ''}; the emulator holds ${runIntents} succeeded PaymentIntents from the run`],
      ['gifts lost / doubled', `${lost} / ${doubled} (gift ledger rows ${allGifts}; paid sessions without a gift row ${lostSessions.length}, with more than one ${doubledSessions.length})`],
      ['payment → receipt', `p50 / p99 / max ${secondsText(lags)}${unreceipted ? `; ${unreceipted} receipts not arrived after ${((drainedAt - journeysEndedAt) / 1000).toFixed(0)} s` : ''}${receiptsDoubled ? `; ${receiptsDoubled} donors got more than one email` : ''}`],
      ['Stripe calls per gift', `${paid.length ? (totalCalls / paid.length).toFixed(2) : '–'} (${totalCalls} calls); 429s ${total429}; peak ${stripeCalls.globalPeak}/s in all${stripeCalls.globalShare !== null ? ` (${Math.round(stripeCalls.globalShare * 100)} % of ${limits!.global})` : ''}`],
      ...stripeCalls.operations.map((op): [string, string] => [
        `  ${op.operation}`,
        `${op.perGift} per gift, ${op.calls} calls, 429s ${op.refused}, peak ${op.peakPerSecond}/s${op.limit !== null ? ` = ${Math.round(op.peakShare! * 100)} % of ${op.limit}/s, at its limit ${op.secondsAtLimit} s` : ''}`,
      ]),
      [
        'waiting, by stage',
        `when arrivals ended: ${backlogText(backlogAtArrivalsEnd)}; at most: ${backlogText(backlogPeaks)} (webhooks not yet answered by the web, stripe-events jobs, emails jobs)`,
      ],
      ['CPU seconds', `driver ${cpu.driver.toFixed(1)}, web ${cpu.web.toFixed(1)}, worker ${cpu.worker.toFixed(1)}, emulator ${cpu.emulator.toFixed(1)} over ${((drainedAt - startedAt) / 1000).toFixed(0)} s; driver event loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`],
    ];
    // What the web process logged as failed requests (a 5xx is logged with its cause), grouped by path and cause.
    const failures = new Map<string, number>();
    for (const line of web.output.stdout.split('\n')) {
      if (!line.includes('"request failed"')) continue;
      try {
        const entry = JSON.parse(line) as { path?: string; err?: { type?: string; message?: string } };
        const key = `${(entry.path ?? '?').replace(/\/donations\/waiting\/.*/, '/donations/waiting/:token')}: ${entry.err?.type ?? ''} ${(entry.err?.message ?? '').slice(0, 100)}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      } catch {
        // not a log line of ours
      }
    }
    if (failures.size > 0) table.push(['web requests failed', [...failures].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([why, n]) => `${n} × ${why}`).join('; ')]);
    const width = Math.max(...table.map(([name]) => name.length));
    for (const [name, value] of table) console.log(`${name.padEnd(width)}  ${value}`);
    for (const goal of goals) console.log(`goal ${goal.applies ? (goal.met ? 'MET    ' : 'NOT MET') : 'n/a    '}  ${goal.goal}`);

    console.log(
      `BENCH ${JSON.stringify({
        bench: 'telethon',
        rate: args.rate,
        duration: args.duration,
        latency: load.latencyMs ?? null,
        limits: limits ?? null,
        monthlyShare: args.monthlyShare,
        delivery: args.delivery,
        mailRatePerSecond: Number(mailRate),
        mailConcurrency: Number(mailConcurrency),
        donors: total,
        refused: refused.length,
        refusedReasons: Object.fromEntries(reasons),
        waited: waited.length,
        waitSeconds: { p50: seconds(waits.p50), p99: seconds(waits.p99), max: seconds(waits.max) },
        toCheckoutSeconds: { p50: seconds(toCheckout.p50), p99: seconds(toCheckout.p99), max: seconds(toCheckout.max) },
        paid: paid.length,
        payFailures: payFailures.length,
        emulatorPaid: runIntents,
        giftLedgerRows: allGifts,
        lost,
        doubled,
        receiptLagSeconds: { p50: seconds(lags.p50), p99: seconds(lags.p99), max: seconds(lags.max) },
        unreceipted,
        stripeCallsPerGift: paid.length ? Number((totalCalls / paid.length).toFixed(2)) : null,
        rateLimited: total429,
        globalPeak: stripeCalls.globalPeak,
        operations: stripeCalls.operations,
        cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([name, value]) => [name, Number(value.toFixed(1))])),
        goals: goals.filter((goal) => goal.applies).map((goal) => ({ goal: goal.goal, met: goal.met })),
      })}`,
    );
  } finally {
    agents.web.destroy();
    agents.emulator.destroy();
    for (const child of children.reverse()) await stopChild(child);
    await inbox.close();
    await database?.drop();
    if (redisPrefix) await deleteRedisKeys(testConfig().redisUrl, redisPrefix);
    await globalTeardown();
  }
}

const [flag, which, settings] = process.argv.slice(2);
const started: Promise<void> =
  flag !== '--serve' ? main() : which === 'emulator' ? serveEmulator(JSON.parse(settings!) as { load: StripeLoadOptions; webhookUrl: string; delivery?: DeliveryOptions }) : Promise.reject(new Error(`no server called ${which}`));
started.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
