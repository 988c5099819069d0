// A bounded fuzz of every route the app has, read from its router so that a new route is fuzzed without
// being listed here, as each kind of visitor: an anonymous one, a signed-in donor and each staff role.
// Path parameters become hostile segments (broken percent-encoding, huge or negative numbers, 2,000
// characters, dot segments, raw bytes), and every request also carries hostile query strings, cookies
// and headers (Accept-Language, Cookie, Content-Type, Stripe-Signature, X-CSRF-Token); a request that
// has a body carries a small hostile one. Whatever arrives, the answer is below 500.
//
// Nothing here reaches the network or starts a donation: Stripe is a trap on loopback that answers every
// call at once with "no such object" and records it (only the payouts pages may ask it anything), every
// body sent to the donate form carries a field that no campaign accepts, a request that writes with a
// valid CSRF token names no existing row in its path, and the routes that end the shared sessions or
// start a reconciliation run are only ever sent without a valid token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import fc from 'fast-check';
import { sql } from 'kysely';
import { seedDemoData } from '../../dev/seed';
import { queueNames } from '../../server/queues';
import { startDonorSession } from '../../server/donors/sessions';
import { staffRoles } from '../../server/staff/members';
import { startSession } from '../../server/staff/sessions';
import { signatureHeader } from '../../dev/stripe-emulator/webhooks';
import { testNow } from '../support/clock';
import { startTestContext, testConfig, type TestContext } from '../support/context';
import { seedDonorsWhoGave } from '../support/donors';
import { aStaffMember } from '../support/staff';
import { accept, body as hostileBody, contentType as formContentType, encoded, poison, type Body } from './hostile-text';

// Fixed, so that a failure repeats; FUZZ_SEED and FUZZ_RUNS explore further by hand.
const seed = Number(process.env.FUZZ_SEED ?? 20_251_207);
/** Requests per route and visitor; ~80 routes × 5 visitors × this many, one after another. */
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 3);

// ---- every route, from the router ----------------------------------------------------------------

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[]; router?: { stack: RouterLayer[] } };
  rawPath?: unknown;
  slash?: boolean;
}

interface Endpoint {
  method: string;
  /** The path pattern as the route declared it, mount path included: `/campaigns/:slug/donate`. */
  pattern: string;
}

/** Every method and path pattern the app routes, through mounted routers and sub-apps (the queue dashboard). */
function endpointsOf(app: express.Express): Endpoint[] {
  const found = new Map<string, Endpoint>();
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).flatMap((m) => (m === '_all' ? ['get', 'post'] : [m]));
        for (const path of [layer.route.path].flat()) {
          if (typeof path !== 'string') throw new Error(`a route at ${String(path)} under ${prefix}: teach endpointsOf to read it`);
          for (const method of methods) found.set(`${method} ${prefix}${path}`, { method: method.toUpperCase(), pattern: `${prefix}${path}` });
        }
        continue;
      }
      const inner = layer.handle?.stack ?? layer.handle?.router?.stack;
      if (!inner) continue;
      if (!layer.slash && typeof layer.rawPath !== 'string') throw new Error(`a router mounted at ${String(layer.rawPath)}: teach endpointsOf to read it`);
      walk(inner, layer.slash ? prefix : `${prefix}${layer.rawPath as string}`);
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return [...found.values()];
}

const paramPattern = /[:*]([A-Za-z_$][\w$]*)/g;
const paramNames = (pattern: string) => [...pattern.matchAll(paramPattern)].map((m) => m[1]!);
/** The pattern with each parameter replaced; optional groups `{…}` kept. */
const fillPattern = (pattern: string, values: Record<string, string>) => pattern.replace(paramPattern, (_, name: string) => values[name]!).replace(/[{}]/g, '');

// ---- hostile pieces of a request -----------------------------------------------------------------

/** Latin-1 text without controls: what an HTTP header or a request line can carry at all. */
const headerText = (maxLength: number) => fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength });

const hostileSegment = fc.oneof(
  fc.constantFrom(
    '%', '%zz', '%FF', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%00', 'a%00b', '%2F', '%5C', '..', '.', '%2e%2e', '...',
    '999999999999999', '9'.repeat(40), '-1', '0', '00', '1e3', '1.5', '0x10', '-0', 'NaN', 'Infinity', '2147483648', '%EF%BC%91', '%D9%A1',
    'é', '%C3%A9', '%E6%9D%8E%E4%BC%9F', '%F0%9F%98%80', 'x'.repeat(2000), '%41'.repeat(700), '__proto__', 'constructor', 'toString',
    "'", '"', '<script>', '%3Cscript%3E', '+', ';', ',', '=', '~', '@', '$', '!', 'po_', 'evt_', 'MQ.AAAA',
  ),
  encoded,
);

const queryKeys = [
  'posted', 'page', 'lang', 'id', 'next', 'after', 'payout', 'from', 'to', 'status', 'saved', 'queued', 'refund', 'corrected', 'recorded', 'done',
  'retry', 'session_id', 'campaign', 'currency', 'method', 'donor', 'amount', 'frequency', 'utm_source', 'day', 'year', 'jobsPerPage', 'activeQueue',
];
const queryValue = fc.oneof(
  fc.constantFrom(
    '', '999999999999999', '-1', '0', '1', '1e3', '%', '%zz', '%FF', '%E0%A4%A', 'x'.repeat(2000), 'zh', 'zh-CN', 'en', 'open', 'resolved',
    '2025-01-01', '2025-02-30', '0000-00-00', '99999-01-01', 'po_x', 'requested', 'repeated', 'once', 'CNY', 'é', '//evil.example', '/staff%0d%0a',
  ),
  encoded,
);
const queryKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...queryKeys) },
  fc.constantFrom(...queryKeys).map((k) => `${k}[]`),
  fc.constantFrom(...queryKeys).map((k) => `${k}[a][b]`),
  fc.constantFrom('__proto__[x]', '__proto__', 'constructor[prototype][x]', 'hasOwnProperty', '', '%', '%zz', 'é'),
);
const queryPart = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(queryKey, queryValue).map(([k, v]) => `${k}=${v}`) },
  queryKey,
  queryValue.map((v) => `=${v}`),
);
const hostileQuery = fc.oneof(
  fc.constant(''),
  { weight: 3, arbitrary: fc.array(queryPart, { minLength: 1, maxLength: 6 }).map((parts) => `?${parts.join('&')}`) },
  // The same key again and again: an array where a string was expected.
  fc.tuple(fc.constantFrom(...queryKeys), queryValue, fc.integer({ min: 2, max: 40 })).map(([k, v, n]) => `?${Array.from({ length: n }, () => `${k}=${v}`).join('&')}`),
  fc.constantFrom('?', '??', '?&', '?=', '?&&&', '?lang[]=x', '?posted=999999999999999', '?page=-1', '?id=%', '?__proto__[x]=1', '?lang=zh&lang=en', '?lang=%'),
);

/** The cookies the app reads or sets (grep server/ for res.cookie and req.cookies). */
const cookieNames = ['sf_lang', 'sf_staff', 'sf_donor', 'sf_csrf', 'sf_account_csrf'];
const cookieValue = fc.oneof(
  fc.constantFrom(
    '%', '%E0%A4%A', '%FF', '%zz', '%00', '', '"', '""', '"unterminated', 'j:{"a":1}', 'j:[1,2]', 'j:{', 'j:null', 'j:"x"', 's:x.y', 's:',
    'zh', 'zh-CN', 'en', 'x'.repeat(3000), 'A'.repeat(43), 'A'.repeat(32), 'é', 'é'.repeat(43), '__proto__', '1e999',
  ),
  encoded,
  headerText(60).map((s) => s.replace(/[;,]/g, '')),
);
const cookiePart = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...cookieNames, '__proto__', 'constructor', '', '%', 'é'), cookieValue).map(([n, v]) => `${n}=${v}`) },
  fc.constantFrom('=', '==', 'a', ';', ' ', '=x', 'a=b=c', 'sf_lang', 'sf_staff', 'sf_lang ', ' sf_lang = zh '),
);
const cookieSeparator = fc.oneof({ weight: 6, arbitrary: fc.constant('; ') }, fc.constantFrom(';', ';;', ' ; ', ', '));

const acceptLanguage = fc.oneof(
  fc.constantFrom(
    '*;q=x, zh-;q=1e999', 'zh-;q=1e999', 'zh-CN;q=0.8, en;q=0.9', ';', ',', ';q=', 'q', '*', '', 'en;q=-1', 'en;q=NaN', 'zh;q=1.0000001', 'é',
    'zh-Hant-HK-u-nu-hanidec', `x-${'a'.repeat(200)}`, 'zh;q=0.1,'.repeat(450), '*;q=0,'.repeat(300), 'en-US,en;q=0.9,zh-CN;q=0.8,zh;q=0.7',
  ),
  headerText(80),
);
const stripeSignature = fc.oneof(
  fc.constantFrom('t=,v1=', 't=abc,v1=zz', `v1=${'a'.repeat(2000)}`, 't=99999999999999999999,v1=00', ','.repeat(100), '=', 't=1', 'v0=,v1=,t='),
  headerText(100),
);
const forwardedFor = fc.constantFrom('x', '1.2.3.4, x', '999.999.999.999', '::ffff:', ',', 'é', '1.2.3.4,'.repeat(300), 'unknown', '');
const bodyContentType = fc.oneof(
  formContentType.filter((type) => type !== undefined).map((type) => type as string),
  fc.constantFrom('multipart/form-data; boundary=', 'multipart/form-data', 'application/json; charset=utf-7', 'application/x-www-form-urlencoded; charset=utf-7', 'text/plain', 'application/json; charset=nope', ''),
);
/** `arbitrary` with probability `p`, otherwise undefined. */
function sometimes<T>(p: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: Math.round(p * 60), arbitrary }, { weight: Math.round((1 - p) * 60), arbitrary: fc.constant(undefined) });
}

const csrfGarbage = fc.oneof(fc.constantFrom('', 'x', 'A'.repeat(43), 'é'.repeat(43), `${'A'.repeat(42)}é`, 'null', 'undefined'), headerText(80));

// ---- a request, and how it is sent ----------------------------------------------------------------

type Csrf = 'valid' | 'garbage' | 'multibyte' | 'none';

interface Attempt {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** One request as the bytes say: no client-side encoding, normalising or parsing of the path or the answer. */
function send(port: number, attempt: Attempt): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...attempt.headers, ...(attempt.body ? { 'Content-Length': String(attempt.body.length) } : {}) };
    const req = http.request({ host: '127.0.0.1', port, method: attempt.method, path: attempt.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(attempt.body);
  });
}

/** What a 5xx is reported as: enough to send the same request again by hand. */
function describe5xx(visitor: string, endpoint: Endpoint, attempt: Attempt, outcome: string) {
  const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const headers = Object.entries(attempt.headers).map(([k, v]) => `${k}: ${clip(v)}`);
  const body = attempt.body ? ` body ${clip(JSON.stringify(attempt.body.toString('latin1')))}` : '';
  return `${outcome} as ${visitor} for ${endpoint.method} ${endpoint.pattern}: ${attempt.method} ${clip(attempt.path)} [${headers.join(' | ')}]${body}`;
}

/** FNV-1a: a stable 32-bit number for a string. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

// ---- the visitors ---------------------------------------------------------------------------------

interface Visitor {
  name: string;
  /** Cookies this browser holds: its session, if any, and each area's CSRF cookie. */
  cookies: string[];
  staffCsrf: string;
  accountCsrf: string;
}

/** Routes a valid CSRF token would make do what must not happen in the middle of a fuzz. */
const endsSharedSession = (pattern: string) => /\/sign-out(-everywhere)?$/.test(pattern);
const startsLongJob = (pattern: string) => pattern === '/staff/finance/reconciliation/run';
const writes = (method: string) => !['GET', 'HEAD'].includes(method);
/** Compared row by row before and after the anonymous run; every other table by its count. */
const moneyTables = ['donations', 'ledger_entries', 'receipts', 'receipt_counters', 'refund_requests', 'recurring_plans', 'reconciliation_discrepancies', 'stripe_events', 'card_declines'];

describe('fuzzing every route, as every visitor', () => {
  let t: TestContext;
  let server: http.Server;
  let port: number;
  let trap: http.Server;
  const stripeCalls: string[] = [];
  let endpoints: Endpoint[];
  let liveSlug: string;
  let closedSlug: string;
  let slugs: string[];
  let giftId: string;
  const visitors: Visitor[] = [];

  /** How many rows every table holds, and a digest of every row of the tables that hold money. */
  async function tableState(): Promise<Record<string, string>> {
    const { rows: tables } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(t.database.db);
    const query = tables
      .map(({ name }) =>
        moneyTables.includes(name)
          ? `select '${name}' as t, count(*) || ' ' || md5(coalesce(string_agg(r::text, ',' order by r::text), '')) as state from "${name}" r`
          : `select '${name}' as t, count(*)::text as state from "${name}"`,
      )
      .join(' union all ');
    const { rows } = await sql<{ t: string; state: string }>`${sql.raw(query)}`.execute(t.database.db);
    return Object.fromEntries(rows.map((row) => [row.t, row.state]));
  }

  const cookiesFrom = (answer: Answer) => ((answer.headers['set-cookie'] ?? []) as string[]).map((c) => c.split(';')[0]!);
  const csrfIn = (answer: Answer, where: string) => {
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1];
    if (!token) throw new Error(`no CSRF field on ${where} (${answer.status})`);
    return token;
  };
  /** A browser's cookies after it opened the account page and a staff page: one area CSRF cookie each. */
  async function visitor(name: string, sessionCookies: string[], staffPage: string): Promise<Visitor> {
    const account = await send(port, { method: 'GET', path: '/account', headers: { Accept: 'text/html', Cookie: sessionCookies.join('; ') } });
    const staff = await send(port, { method: 'GET', path: staffPage, headers: { Accept: 'text/html', Cookie: sessionCookies.join('; ') } });
    return { name, cookies: [...sessionCookies, ...cookiesFrom(account), ...cookiesFrom(staff)], staffCsrf: csrfIn(staff, staffPage), accountCsrf: csrfIn(account, '/account') };
  }

  beforeAll(async () => {
    // Stripe for this file: a trap that answers every call at once, as Stripe answers for an unknown object.
    trap = http.createServer((req, res) => {
      stripeCalls.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'resource_missing', message: 'The fuzz has no Stripe.' } }));
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const stripe = { ...testConfig().stripe, apiUrl: `http://127.0.0.1:${(trap.address() as AddressInfo).port}` };
    t = await startTestContext({ stripe });
    await seedDemoData(t.database.db, testNow);
    const campaigns = await t.database.db.selectFrom('campaigns').select(['slug', 'status']).execute();
    liveSlug = campaigns.find((c) => c.status === 'live')!.slug;
    closedSlug = campaigns.find((c) => c.status === 'closed')!.slug;
    slugs = campaigns.map((c) => c.slug.toLowerCase());
    const [donor] = await seedDonorsWhoGave(t.database.db, liveSlug, 1, { prefix: 'fuzz' });
    giftId = (await t.database.db.selectFrom('donations').select('id').where('donor_id', '=', donor!.id).executeTakeFirstOrThrow()).id;
    server = t.app.listen(0);
    port = (server.address() as AddressInfo).port;
    endpoints = endpointsOf(t.app);

    visitors.push(await visitor('an anonymous visitor', [], '/staff/sign-in'));
    visitors.push(await visitor('a signed-in donor', [`sf_donor=${await startDonorSession(t.database.db, donor!.id, 'fuzz')}`], '/staff/sign-in'));
    for (const role of staffRoles) {
      const member = await aStaffMember(t.database.db, [role]);
      visitors.push(await visitor(`staff (${role})`, [`sf_staff=${await startSession(t.database.db, member.id, 'fuzz')}`], '/staff'));
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await new Promise((resolve) => trap?.close(resolve));
    await t?.close();
  });

  const byName = (name: string) => visitors.find((v) => v.name === name)!;

  /** The CSRF token a form of this path's area expects from this visitor. */
  const areaToken = (v: Visitor, path: string) => (path.startsWith('/staff') ? v.staffCsrf : path.startsWith('/account') ? v.accountCsrf : '');

  // ---- the cases the issue names, first, before the fuzz uses up any rate limit --------------------

  test('a language cookie that is not valid percent-encoding is ignored on the home page and a campaign page', async () => {
    for (const path of ['/', `/campaigns/${liveSlug}`]) {
      for (const cookie of ['sf_lang=%', 'sf_lang=%E0%A4%A', 'sf_lang=%; sf_lang=zh']) {
        const res = await send(port, { method: 'GET', path, headers: { Accept: 'text/html', Cookie: cookie } });
        expect({ path, cookie, status: res.status }).toEqual({ path, cookie, status: 200 });
      }
    }
  });

  test('a _csrf of 43 multi-byte characters is a 403 on a staff form and an account form, not a 500', async () => {
    const anonymous = byName('an anonymous visitor');
    const fake = 'é'.repeat(43);
    for (const path of ['/staff/sign-in', '/staff/team', '/account/sign-in', '/account/preferences']) {
      for (const cookies of [[], anonymous.cookies]) {
        const inBody = await send(port, {
          method: 'POST',
          path,
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', ...(cookies.length > 0 ? { Cookie: cookies.join('; ') } : {}) },
          body: Buffer.from(`_csrf=${encodeURIComponent(fake)}&email=someone%40example.org`),
        });
        expect({ path, withCookies: cookies.length > 0, status: inBody.status, body: JSON.parse(inBody.text) }).toEqual({ path, withCookies: cookies.length > 0, status: 403, body: { error: expect.objectContaining({ code: 'csrf_failed' }) } });
        // The same characters in the header, where Node carries them as Latin-1.
        const inHeader = await send(port, { method: 'POST', path, headers: { Accept: 'application/json', 'X-CSRF-Token': fake, ...(cookies.length > 0 ? { Cookie: cookies.join('; ') } : {}) } });
        expect({ path, withCookies: cookies.length > 0, status: inHeader.status }).toEqual({ path, withCookies: cookies.length > 0, status: 403 });
      }
    }
  });

  test('a staff member who can see a campaign opens its dashboard with ?posted=999999999999999 and other odd posted ids', async () => {
    const answers: string[] = [];
    for (const name of ['staff (campaign_manager)', 'staff (admin)']) {
      const { cookies } = byName(name);
      for (const posted of ['999999999999999', '2147483648', '0', '-1', '1e3', '%', '%FF', 'x'.repeat(2000)]) {
        const res = await send(port, { method: 'GET', path: `/staff/campaigns/${liveSlug}?posted=${posted}`, headers: { Accept: 'text/html', Cookie: cookies.join('; ') } });
        if (![200, 400, 404].includes(res.status)) answers.push(`${res.status} as ${name} for ?posted=${posted.slice(0, 20)}`);
      }
    }
    expect(answers).toEqual([]);
  });

  test('a validly signed webhook body that is not an event ({} or []) is a 400 and stores nothing', async () => {
    for (const payload of ['{}', '[]']) {
      const before = await t.database.db.selectFrom('stripe_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const res = await send(port, {
        method: 'POST',
        path: '/webhooks/stripe',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'Stripe-Signature': signatureHeader(payload, t.ctx.config.stripe.webhookSecret) },
        body: Buffer.from(payload),
      });
      expect({ payload, status: res.status }).toEqual({ payload, status: 400 });
      const after = await t.database.db.selectFrom('stripe_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    }
  });

  test('a path that starts with two slashes gets a page, not a 500', async () => {
    // Found by the fuzz: the language switch's links read the address as a URL, and `//…` names a host there.
    const failed: string[] = [];
    for (const path of ['//', '//?lang=zh', '//%zz', '//a:99999', '//[', '//campaigns', `//campaigns/${liveSlug}`]) {
      for (const type of ['text/html', 'application/json']) {
        const res = await send(port, { method: 'GET', path, headers: { Accept: type } });
        if (res.status >= 500) failed.push(`${res.status} for GET ${path} (Accept: ${type})`);
      }
    }
    expect(failed).toEqual([]);
  });

  test('the queue dashboard answers a control character in its ?status= with a 4xx, not a 500', async () => {
    // Found by the fuzz: bull-board splits its validation messages on NUL and parses the rest as JSON, so a
    // NUL in the value it quotes back throws, and its own handler answers 500 with the parser's message.
    const { cookies } = byName('staff (admin)');
    const failed: string[] = [];
    for (const query of ['status=%00', 'status=%00x', `status=%00&activeQueue=${queueNames[0]}`]) {
      const res = await send(port, { method: 'GET', path: `/staff/queues/api/queues?${query}`, headers: { Accept: 'application/json', Cookie: cookies.join('; ') } });
      if (res.status >= 500) failed.push(`${res.status} for GET /staff/queues/api/queues?${query}: ${res.text.slice(0, 120)}`);
    }
    expect(failed).toEqual([]);
  });

  // ---- the fuzz -------------------------------------------------------------------------------------

  test('the router lists every route, the queue dashboard included', () => {
    const own = endpoints.filter((e) => !e.pattern.startsWith('/staff/queues'));
    expect(own.length).toBeGreaterThan(40);
    expect(endpoints.some((e) => e.pattern.startsWith('/staff/queues/api/'))).toBe(true);
    for (const expected of ['POST /webhooks/stripe', 'GET /campaigns/:slug', 'POST /campaigns/:slug/donate', 'GET /staff/campaigns/:slug', 'POST /account/plans/:id/cancel']) {
      expect(endpoints.map((e) => `${e.method} ${e.pattern}`)).toContain(expected);
    }
  });

  /** A segment no row answers to, however leniently a route reads it: a write with a valid token then changes nothing that exists. */
  function namesNoRow(segment: string): boolean {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return true;
    }
    return !/^\s*\+?0*[1-9]\d{0,9}\s*$/.test(value) && !slugs.includes(value.trim().toLowerCase());
  }

  /** Values a GET may name instead of a hostile segment, so that the query, cookies and headers reach a real page. */
  function plausible(name: string): string[] {
    const values: Record<string, string[]> = {
      slug: [liveSlug, closedSlug],
      id: [giftId, '1', 'po_fuzz1'],
      token: ['A'.repeat(43), 'MQ.AAAAAAAAAAAAAAAAAAAAAAAA'],
      year: [String(testNow.getUTCFullYear()), '1999'],
      queueName: [queueNames[0]!],
      jobId: ['1'],
      queueStatus: ['failed', 'completed'],
    };
    return values[name] ?? [];
  }

  function attempts(endpoint: Endpoint, v: Visitor): fc.Arbitrary<Attempt> {
    const names = paramNames(endpoint.pattern);
    const isWrite = writes(endpoint.method);
    const segment = (name: string) => {
      if (isWrite) return hostileSegment.filter(namesNoRow);
      const known = plausible(name);
      return known.length > 0 ? fc.oneof({ weight: 2, arbitrary: hostileSegment }, { weight: 1, arbitrary: fc.constantFrom(...known) }) : hostileSegment;
    };
    // Now and then the path itself is bent: a segment more, a doubled slash, a trailing slash, shouted.
    const bend = sometimes(
      1 / 6,
      fc.oneof(
        hostileSegment.map((s) => (p: string) => `${p.replace(/\/$/, '')}/${s}`),
        fc.constant((p: string) => `/${p}`),
        fc.constant((p: string) => (p.endsWith('/') ? p.slice(0, -1) || '/' : `${p}/`)),
        fc.constant((p: string) => p.toUpperCase()),
      ),
    );
    const csrf: fc.Arbitrary<Csrf> = isWrite ? fc.constantFrom<Csrf>('valid', 'valid', 'garbage', 'multibyte', 'none') : fc.constant<Csrf>('none');
    return fc
      .record({
        params: fc.tuple(...names.map(segment)),
        bend,
        query: hostileQuery,
        method: isWrite || endpoint.method !== 'GET' ? fc.constant(endpoint.method) : fc.constantFrom('GET', 'GET', 'GET', 'HEAD'),
        hostileCookies: fc.array(cookiePart, { maxLength: 3 }),
        hostileFirst: fc.boolean(),
        separator: cookieSeparator,
        wholeCookie: sometimes(1 / 10, fc.constantFrom(';;;;', '=', '', ' ', 'sf_lang', 'sf_lang=%', 'sf_staff=;sf_staff=;sf_staff=')),
        accept: fc.oneof(accept, fc.constant('text/html')),
        acceptLanguage: sometimes(2 / 3, acceptLanguage),
        stripeSignature: sometimes(1 / 3, stripeSignature),
        forwardedFor: sometimes(1 / 4, forwardedFor),
        csrf,
        csrfGarbage,
        body: isWrite ? sometimes(5 / 6, hostileBody) : fc.constant(undefined),
        contentType: isWrite ? sometimes(1 / 3, bodyContentType) : fc.constant(undefined),
        poison,
      })
      .map((r): Attempt => {
        const filled = fillPattern(endpoint.pattern, Object.fromEntries(names.map((name, i) => [name, r.params[i]!])));
        const path = (r.bend ? r.bend(filled) : filled) + r.query;
        // A valid token would make these end the sessions the fuzz shares, or start a reconciliation run.
        const csrf = r.csrf === 'valid' && (endsSharedSession(endpoint.pattern) || startsLongJob(endpoint.pattern)) ? 'garbage' : r.csrf;
        const cookies = r.hostileFirst ? [...r.hostileCookies, ...v.cookies] : [...v.cookies, ...r.hostileCookies];
        const headers: Record<string, string> = { Accept: r.accept };
        const cookie = r.wholeCookie ?? cookies.join(r.separator);
        if (cookie !== '' || r.wholeCookie !== undefined) headers.Cookie = cookie;
        if (r.acceptLanguage !== undefined) headers['Accept-Language'] = r.acceptLanguage;
        if (r.stripeSignature !== undefined) headers['Stripe-Signature'] = r.stripeSignature;
        if (r.forwardedFor !== undefined) headers['X-Forwarded-For'] = r.forwardedFor;
        if (csrf === 'valid') headers['X-CSRF-Token'] = areaToken(v, endpoint.pattern);
        if (csrf === 'garbage') headers['X-CSRF-Token'] = r.csrfGarbage;
        if (!isWrite) return { method: r.method, path, headers };
        let payload: Buffer = !r.body ? Buffer.alloc(0) : r.body.kind === 'bytes' ? r.body.bytes : Buffer.from((r.body as Exclude<Body, { kind: 'bytes' }>).text);
        if (csrf === 'multibyte') payload = Buffer.concat([Buffer.from(`_csrf=${encodeURIComponent('é'.repeat(43))}&`), payload]);
        // The donate form never sees a body it could accept: no gift is started, Stripe is never asked.
        if (endpoint.pattern.endsWith('/donate')) payload = Buffer.concat([payload, Buffer.from(`&${r.poison[0]}=${r.poison[1]}`)]);
        headers['Content-Type'] = r.contentType ?? 'application/x-www-form-urlencoded';
        return { method: r.method, path, headers, body: payload };
      });
  }

  /** Every route, `runsPerRoute` hostile requests each, as this visitor: the 5xx answers, described. */
  async function fuzzAs(v: Visitor): Promise<string[]> {
    const found: string[] = [];
    for (const endpoint of endpoints) {
      // Seeded by the route's own name, so that a route added elsewhere leaves every other route's requests as they were.
      for (const attempt of fc.sample(attempts(endpoint, v), { seed: seed ^ hashOf(`${v.name} ${endpoint.method} ${endpoint.pattern}`), numRuns: runsPerRoute })) {
        let outcome: string | undefined;
        try {
          const res = await send(port, attempt);
          if (res.status >= 500) outcome = `${res.status} ${res.text.replace(/\s+/g, ' ').slice(0, 160)}`;
        } catch (error) {
          outcome = `no answer (${(error as Error).message})`;
        }
        if (outcome !== undefined) found.push(describe5xx(v.name, endpoint, attempt, outcome));
      }
    }
    return found;
  }

  const visitorNames = ['an anonymous visitor', 'a signed-in donor', ...staffRoles.map((role) => `staff (${role})`)];

  test.each(visitorNames)('as %s, no hostile path, query, cookie, header or body gets a 5xx', async (name) => {
    const v = byName(name);
    const anonymous = name === 'an anonymous visitor';
    const before = anonymous ? await tableState() : undefined;
    const callsBefore = stripeCalls.length;
    const found = await fuzzAs(v);
    expect(found).toEqual([]);
    // Anonymous requests store nothing at all, money least of all.
    if (before) expect(await tableState()).toEqual(before);
    // Only the finance pages that list Stripe's payouts may ask Stripe anything, and only to read.
    expect(stripeCalls.slice(callsBefore).filter((call) => !/^GET \/v1\/(payouts|balance_transactions)\b/.test(call))).toEqual([]);
  });
});
