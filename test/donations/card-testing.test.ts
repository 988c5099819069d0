// Card testing: someone checking stolen cards starts small gift after small gift and lets them be declined.
// The donate form stops a network or an email address after a run of small declines, stops one address
// after too many attempts, and stores nothing when it refuses; a real donor elsewhere still gives.
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import request from 'supertest';
import { freePort } from '../../dev/ports';
import { startStripeEmulator, type StripeEmulator } from '../../dev/stripe-emulator/index';
import type Stripe from 'stripe';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { stripeReads } from '../../server/donations/sync/stripe-reads';
import { cardTestingRules, cardTestingVerdict, declineAtStripe, fingerprint, firstNoticeInWindow, forgetOldAttempts, isSmallAttempt, recordCardDecline, smallAttemptCeiling } from '../../server/donations/card-testing';
import { emailAttempts } from '../../server/donations/limits';
import { applyStripeEvent } from '../../server/webhooks/events';
import { storeStripeEvent } from '../../server/webhooks/stripe-event.repository';
import { startTestContext, type TestContext } from '../support/context';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

const declinedCard = '4000000000000002';

/** The donate form sent from `ip` (the app trusts X-Forwarded-For from its loopback proxy). */
function attempt(url: string | Server, ip: string, form: Record<string, string>, accept = 'text/html') {
  return request(url).post('/campaigns/speech-therapy-fund/donate').set('X-Forwarded-For', ip).set('Accept', accept).type('form').send(aDonor(form));
}

function sessionIdOf(res: request.Response): string {
  expect({ status: res.status, body: res.status === 303 ? '' : res.text.slice(0, 500) }).toEqual({ status: 303, body: '' });
  return /\/pay\/(cs_\w+)/.exec(String(res.headers.location))![1]!;
}

describe('what counts as a small attempt', () => {
  it('is anything under five times the smallest card gift of its currency, in whole minor units', () => {
    expect(smallAttemptCeiling('HKD')).toEqual({ amount: 2000, currency: 'HKD' });
    expect(isSmallAttempt({ amount: 1999, currency: 'HKD' })).toBe(true);
    expect(isSmallAttempt({ amount: 2000, currency: 'HKD' })).toBe(false);
    expect(isSmallAttempt({ amount: 249, currency: 'USD' })).toBe(true);
    expect(isSmallAttempt({ amount: 250, currency: 'USD' })).toBe(false);
    expect(isSmallAttempt({ amount: 249, currency: 'JPY' })).toBe(true);
    expect(isSmallAttempt({ amount: 250, currency: 'JPY' })).toBe(false);
  });

  it('knows an address by a keyed hash that does not contain it, the same however it is typed', () => {
    const hash = fingerprint('secret-of-at-least-thirty-two-characters', 'email', ' Mei.Chan@Example.com ');
    expect(hash).toBe(fingerprint('secret-of-at-least-thirty-two-characters', 'email', 'mei.chan@example.com'));
    expect(hash).not.toContain('example');
    expect(hash).not.toBe(fingerprint('another-secret-of-at-least-32-characters', 'email', 'mei.chan@example.com'));
  });
});

describe('the card-testing brake on the donate form', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const donationCount = async () => (await h.database.db.selectFrom('donations').select('id').execute()).length;
  const sessionCount = async () => (await h.stripe.checkout.sessions.list({ limit: 100 })).data.length;

  /** A gift started from `ip` and declined on the Checkout page. */
  async function declinedGift(ip: string, form: Record<string, string>): Promise<string> {
    const sessionId = sessionIdOf(await attempt(h.url, ip, form));
    expect((await h.pay(sessionId, declinedCard)).status).toBe('declined');
    return sessionId;
  }

  it('stops a network after five small declines, starting nothing, while another network and address still give', async () => {
    for (let i = 0; i < cardTestingRules.perIp; i++) await declinedGift('198.51.100.7', { amount: '10', email: `tester${i}@example.net` });
    await h.settle();
    const declines = await h.database.db.selectFrom('card_declines').selectAll().execute();
    expect(declines.map((d) => [d.amount, d.currency, d.small])).toEqual(Array(cardTestingRules.perIp).fill([1000, 'HKD', true]));

    const [donations, sessions] = [await donationCount(), await sessionCount()];
    const page = await attempt(h.url, '198.51.100.7', { amount: '10', email: 'fresh@example.net', name: 'Fresh Name' }).expect(429);
    expect(page.text).toContain('Several card payments started from your network were declined');
    expect(page.text).toContain('Nothing has been charged');
    expect(page.text).toContain('contact Smile Bridge Foundation');
    // The form comes back as typed, with the reason in its summary.
    expect(page.text).toContain('value="fresh@example.net"');
    expect(page.text).toContain('class="error-summary"');
    expect(page.headers['retry-after']).toBe(String(cardTestingRules.windowSeconds));
    const json = await attempt(h.url, '198.51.100.7', { amount: '19', email: 'fresh@example.net' }, 'application/json').expect(429);
    expect(json.body).toEqual({ error: { code: 'too_many_requests', message: expect.stringContaining('paused new gifts') } });
    expect([await donationCount(), await sessionCount()]).toEqual([donations, sessions]);
    // Small gifts only: a real donor on the same network (a dinner's venue) still gives a proper gift.
    sessionIdOf(await attempt(h.url, '198.51.100.7', { amount: '500', email: 'guest@example.org' }));

    const elsewhere = sessionIdOf(await attempt(h.url, '203.0.113.20', { amount: '10', email: 'real.donor@example.org', name: 'Real Donor' }));
    expect((await h.pay(elsewhere)).status).toBe('succeeded');
    await h.settle();
    const gift = await h.database.db.selectFrom('donations').select(['status', 'client_ip_hash']).where('stripe_checkout_session_id', '=', elsewhere).executeTakeFirstOrThrow();
    expect(gift).toEqual({ status: 'succeeded', client_ip_hash: fingerprint(h.config.sessionSecret, 'ip', '203.0.113.20') });
  });

  it('stops an email address after five small declines from any network, beside the email field, in the donor\'s language', async () => {
    for (let i = 0; i < cardTestingRules.perEmail; i++) await declinedGift(`192.0.2.${10 + i}`, { amount: '5', email: 'Same.Person@example.net' });
    await h.settle();
    const [donations, sessions] = [await donationCount(), await sessionCount()];
    const page = await attempt(h.url, '192.0.2.99', { amount: '5', email: 'same.person@EXAMPLE.net', locale: 'zh-CN' }).expect(429);
    expect(page.text).toMatch(/<p class="field-error" id="email-error">短时间内此电子邮箱的多笔银行卡付款被拒。/);
    expect([await donationCount(), await sessionCount()]).toEqual([donations, sessions]);
    // The same network with another address is not this address.
    sessionIdOf(await attempt(h.url, '192.0.2.99', { amount: '100', email: 'someone.else@example.net' }));
  });

  it('does not count larger declined gifts as small ones', async () => {
    for (let i = 0; i < cardTestingRules.perIp + 1; i++) await declinedGift('198.51.100.50', { amount: '500', email: `big${i}@example.net` });
    await h.settle();
    const ipHash = fingerprint(h.config.sessionSecret, 'ip', '198.51.100.50');
    const big = await h.database.db
      .selectFrom('card_declines as c')
      .innerJoin('donations as d', 'd.id', 'c.donation_id')
      .select(['c.amount', 'c.small'])
      .where('d.client_ip_hash', '=', ipHash)
      .execute();
    expect(big).toEqual(Array(cardTestingRules.perIp + 1).fill({ amount: 50000, small: false }));
    sessionIdOf(await attempt(h.url, '198.51.100.50', { amount: '10', email: 'big-again@example.net' }));
  });

  it('stops a network for gifts of any amount after a longer run of declines of any amount', async () => {
    const ip = '198.51.100.66';
    const ipHash = fingerprint(h.config.sessionSecret, 'ip', ip);
    // Testers probing above the small line: the declines stored as the handler stores them, to keep the test short.
    const probe = await h.database.db.insertInto('donations').values({ campaign_id: (await h.database.db.selectFrom('campaigns').select('id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow()).id, frequency: 'once', amount: 2500, currency: 'HKD', origin: 'checkout', client_ip_hash: ipHash }).returning('id').executeTakeFirstOrThrow();
    await h.database.db
      .insertInto('card_declines')
      .values(Array.from({ length: cardTestingRules.anyAmountPerIp - 1 }, (_, i) => ({ attempt_id: `ch_probe_${i}`, donation_id: probe.id, amount: 2500, currency: 'HKD', small: false })))
      .execute();
    sessionIdOf(await attempt(h.url, ip, { amount: '500', email: 'probe-ok@example.net' }));
    await h.database.db.insertInto('card_declines').values({ attempt_id: 'ch_probe_last', donation_id: probe.id, amount: 2500, currency: 'HKD', small: false }).execute();
    const [donations, sessions] = [await donationCount(), await sessionCount()];
    await attempt(h.url, ip, { amount: '500', email: 'probe-blocked@example.net' }).expect(429);
    expect([await donationCount(), await sessionCount()]).toEqual([donations, sessions]);
  });

  it('never stops an address from giving a larger gift, however many declines were typed under it elsewhere', async () => {
    const campaign = await h.database.db.selectFrom('campaigns').select('id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow();
    const donor = await h.database.db.insertInto('donors').values({ email: 'much.declined@example.net' }).returning('id').executeTakeFirstOrThrow();
    const probes = await h.database.db
      .insertInto('donations')
      .values(Array.from({ length: cardTestingRules.anyAmountPerIp * 2 }, (_, i) => ({ campaign_id: campaign.id, donor_id: donor.id, frequency: 'once' as const, amount: 2500, currency: 'HKD', origin: 'checkout' as const, client_ip_hash: fingerprint(h.config.sessionSecret, 'ip', `198.18.0.${i}`) })))
      .returning('id')
      .execute();
    await h.database.db.insertInto('card_declines').values(probes.map((p, i) => ({ attempt_id: `ch_elsewhere_${i}`, donation_id: p.id, amount: 2500, currency: 'HKD', small: false }))).execute();
    sessionIdOf(await attempt(h.url, '203.0.113.77', { amount: '5000', email: 'much.declined@example.net' }));
  });

  it('forgets month-old declines and the networks month-old gifts were started from, and nothing newer', async () => {
    const { db } = h.database;
    const campaign = (await db.selectFrom('campaigns').select('id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow()).id;
    const gift = (daysAgo: number) =>
      db
        .insertInto('donations')
        .values({ campaign_id: campaign, frequency: 'once', amount: 1000, currency: 'HKD', origin: 'checkout', client_ip_hash: `hash-${daysAgo}`, created_at: sql<Date>`now() - make_interval(days => ${daysAgo})` })
        .returning('id')
        .executeTakeFirstOrThrow();
    const [old, recent] = [await gift(31), await gift(29)];
    await db
      .insertInto('card_declines')
      .values([
        { attempt_id: 'ch_forget_old', donation_id: old.id, amount: 1000, currency: 'HKD', small: true, declined_at: sql<Date>`now() - interval '31 days'` },
        { attempt_id: 'ch_forget_recent', donation_id: recent.id, amount: 1000, currency: 'HKD', small: true, declined_at: sql<Date>`now() - interval '29 days'` },
      ])
      .execute();

    expect(await forgetOldAttempts(db)).toEqual({ declines: 1, networks: 1 });
    const hashes = await db.selectFrom('donations').select(['id', 'client_ip_hash']).where('id', 'in', [old.id, recent.id]).execute();
    expect(Object.fromEntries(hashes.map((d) => [d.id, d.client_ip_hash]))).toEqual({ [old.id]: null, [recent.id]: 'hash-29' });
    expect((await db.selectFrom('card_declines').select('attempt_id').where('attempt_id', 'like', 'ch_forget_%').execute()).map((d) => d.attempt_id)).toEqual(['ch_forget_recent']);
    await db.deleteFrom('card_declines').where('attempt_id', 'like', 'ch_forget_%').execute();
  });

  it('counts a decline once however often it is delivered, and each card declined on one Checkout page apart', async () => {
    const sessionId = sessionIdOf(await attempt(h.url, '198.51.100.80', { amount: '10', email: 'one.page@example.net' }));
    expect((await h.pay(sessionId, declinedCard)).status).toBe('declined');
    expect((await h.pay(sessionId, declinedCard)).status).toBe('declined');
    await h.settle();
    const { id: donationId } = await h.database.db.selectFrom('donations').select('id').where('stripe_checkout_session_id', '=', sessionId).executeTakeFirstOrThrow();
    const failures = await h.database.db.selectFrom('stripe_events').select(['id', 'payload']).where('type', '=', 'payment_intent.payment_failed').execute();
    const mine = failures.filter((e) => (e.payload as Stripe.Event).data.object && ((e.payload as Stripe.Event).data.object as Stripe.PaymentIntent).metadata.donation_id === donationId);
    expect(mine).toHaveLength(2);

    for (const event of mine) await h.emulator.resendEvent(event.id);
    await h.settle();
    // Applied again under another event id (a replay, a reconciliation): the charge id keeps it one row.
    const decline = await declineAtStripe(stripeReads(h.stripe), (mine[0]!.payload as Stripe.Event).data.object as Stripe.PaymentIntent);
    const again = await recordCardDecline(h.database.db, decline!, 'evt_replayed');
    expect(again).toBe(false);
    expect(await h.database.db.selectFrom('card_declines').select('attempt_id').where('donation_id', '=', donationId).execute()).toHaveLength(2);
  });

  it('stops an address after twenty attempts in an hour from one network, beside the email field, while the donor still gives from their own', async () => {
    for (let i = 0; i < emailAttempts.perWindow; i++) sessionIdOf(await attempt(h.url, '203.0.113.60', { amount: '100', email: 'keen.giver@example.org' }));
    const [donations, sessions] = [await donationCount(), await sessionCount()];
    const page = await attempt(h.url, '203.0.113.60', { amount: '100', email: 'KEEN.giver@example.org' }).expect(429);
    expect(page.text).toMatch(/<p class="field-error" id="email-error">Too many gifts were started with this email address from this network in the last hour/);
    const json = await attempt(h.url, '203.0.113.60', { amount: '100', email: 'keen.giver@example.org' }, 'application/json').expect(429);
    expect(json.body.error.code).toBe('too_many_requests');
    expect([await donationCount(), await sessionCount()]).toEqual([donations, sessions]);
    // Whoever typed the address from there spent their own allowance: the donor, at home, gives US$5,000.
    sessionIdOf(await attempt(h.url, '203.0.113.61', { amount: '5000', email: 'keen.giver@example.org' }));
    expect(await donationCount()).toBe(donations + 1);
    // Kept in Redis under the test's prefix, and never under the address or the network itself.
    const redis = new Redis(h.config.redisUrl);
    try {
      const keys = await redis.keys(`${h.config.redisPrefix}:donate:email:*`);
      const [email, network] = [fingerprint(h.config.sessionSecret, 'email', 'keen.giver@example.org'), fingerprint(h.config.sessionSecret, 'ip', '203.0.113.60')];
      expect(keys).toContain(`${h.config.redisPrefix}:donate:email:${email}:${network}`);
      expect(keys.filter((key) => /@|example|keen|203\.0/i.test(key))).toEqual([]);
    } finally {
      await redis.quit();
    }
  });

  it('tells staff of a blocked network once per window, not once per attempt, and every time while Redis is away', async () => {
    const redis = new Redis(h.config.redisUrl);
    const away = new Redis(`redis://127.0.0.1:${await freePort()}`, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    away.on('error', () => undefined);
    try {
      const key = `${h.config.redisPrefix}:card-testing:noticed:ip:test`;
      expect(await firstNoticeInWindow(redis, key, cardTestingRules.windowSeconds)).toBe(true);
      expect(await firstNoticeInWindow(redis, key, cardTestingRules.windowSeconds)).toBe(false);
      expect(await redis.ttl(key)).toBeGreaterThan(0);
      expect(await firstNoticeInWindow(away, key, cardTestingRules.windowSeconds)).toBe(true);
    } finally {
      await redis.quit();
      away.disconnect();
    }
  });

  it('pauses small gifts from everyone after a site-wide run of small declines, while larger gifts still go', async () => {
    const someGift = await h.database.db.selectFrom('donations').select('id').limit(1).executeTakeFirstOrThrow();
    const missing = cardTestingRules.siteWide - (await h.database.db.selectFrom('card_declines').select('attempt_id').where('small', '=', true).execute()).length;
    // Declines from many networks and addresses at once; written directly, as a hundred Checkout pages would.
    await h.database.db
      .insertInto('card_declines')
      .values(Array.from({ length: missing }, (_, i) => ({ attempt_id: `ch_spread_${i}`, donation_id: someGift.id, amount: 100, currency: 'USD', small: true })))
      .execute();
    const [donations, sessions] = [await donationCount(), await sessionCount()];
    const page = await attempt(h.url, '203.0.113.90', { amount: '19.99', email: 'small.giver@example.org' }).expect(429);
    expect(page.text).toMatch(/<p class="field-error" id="amount-error">Card gifts under HK\$20\.00 are paused for a while because of unusual activity\. Please give HK\$20\.00 or more/);
    expect([await donationCount(), await sessionCount()]).toEqual([donations, sessions]);
    sessionIdOf(await attempt(h.url, '203.0.113.90', { amount: '20', email: 'small.giver@example.org' }));
    await h.database.db.deleteFrom('card_declines').where('attempt_id', 'like', 'ch_spread_%').execute();
  });
});

describe('the donate form with Redis away', () => {
  let t: TestContext;
  let emulator: StripeEmulator;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ clockStart: testNow });
    t = await startTestContext({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      stripe: { secretKey: emulator.secretKey, webhookSecret: emulator.webhookSecret, apiUrl: emulator.url, wallets: [] },
    });
    await seedDemoData(t.database.db, testNow);
    server = t.app.listen(0);
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
    await emulator.stop();
  });

  it('still starts gifts, and still counts declines and stops a network after a run of them', async () => {
    expect(t.ctx.redis.status).not.toBe('ready');
    for (let i = 0; i < cardTestingRules.perIp; i++) {
      const sessionId = sessionIdOf(await attempt(url, '198.51.100.200', { amount: '10', email: `away${i}@example.net` }));
      const paid = await fetch(`${emulator.url}/_emulator/checkout/sessions/${sessionId}/pay`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ card_number: declinedCard }),
      });
      expect(((await paid.json()) as { status: string }).status).toBe('declined');
    }
    // Taken from Stripe's event list rather than the webhook, whose intake waits a second for Redis on
    // each event: stored and applied as the worker would, once the sweeper queued them. No Redis needed.
    const { data: events } = await t.ctx.stripe.events.list({ type: 'payment_intent.payment_failed', limit: 100 });
    expect(events).toHaveLength(cardTestingRules.perIp);
    for (const event of events) {
      await storeStripeEvent(t.database.db, event);
      expect(await applyStripeEvent(t.ctx, event.id)).toBe('applied');
    }
    expect(await cardTestingVerdict(t.database.db, { ipHash: fingerprint(t.ctx.config.sessionSecret, 'ip', '198.51.100.200'), email: 'x@example.net', amount: { amount: 10_00, currency: 'HKD' } })).toEqual({
      blocked: true,
      rule: 'ip',
      declines: cardTestingRules.perIp,
    });
    await attempt(url, '198.51.100.200', { amount: '10', email: 'another@example.net' }).expect(429);
    sessionIdOf(await attempt(url, '198.51.100.201', { amount: '10', email: 'another@example.net' }));
  });
});
