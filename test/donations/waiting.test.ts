import { Redis } from 'ioredis';
import request from 'supertest';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { waitUntil } from '../support/wait';

const checkoutLine = (h: GivingHarness) => `${h.config.redisPrefix}:stripe-budget:line:POST /v1/checkout/sessions`;

interface Visit {
  status: number;
  location?: string;
  text: string;
}

async function visit(h: GivingHarness, path: string): Promise<Visit> {
  const response = await request(h.url).get(path);
  return { status: response.status, location: response.headers.location as string | undefined, text: response.text };
}

/** What a browser without JavaScript does on the waiting page: it follows the meta refresh until it is sent on. */
async function waitLikeABrowser(h: GivingHarness, path: string, pages: Visit[]): Promise<string> {
  for (;;) {
    const page = await visit(h, path);
    pages.push(page);
    if (page.status !== 200) {
      if (page.status !== 303 || !page.location) throw new Error(`the waiting page answered ${page.status}: ${page.text.slice(0, 500)}`);
      return page.location;
    }
    const seconds = Number(/<meta http-equiv="refresh" content="(\d+)">/.exec(page.text)?.[1]);
    if (!(seconds > 0)) throw new Error('the waiting page does not refresh itself');
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

describe('donors beyond the Stripe budget', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({
      // Stripe allows three Checkout Sessions a second; the platform keeps to one.
      emulator: { load: { limits: { global: 100, perOperation: 100, operations: { 'POST /v1/checkout/sessions': 3 } } } },
      config: {
        stripe: { budget: { global: 90, perOperation: 90, operations: { 'POST /v1/checkout/sessions': 1 }, donorReserve: 10 } },
        metrics: { webPort: 0, workerPort: 0, token: undefined },
      },
    });
  });
  afterAll(() => h.stop());

  it('wait on a page in their language that moves on by itself, without JavaScript, and reach Checkout in the order they came', async () => {
    const posted = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(h.url).post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ email: `donor-${i}@example.com`, amount: String(100 + i) }))),
    );
    // A Hong Kong donor who comes while others wait is behind them, however free Stripe is that moment.
    const fromHongKong = await request(h.url).post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ email: 'siu.ming@example.com', amount: '500', locale: 'zh-HK' }));
    const all = [...posted, fromHongKong];
    for (const response of all) expect([response.status, String(response.headers.location)]).toEqual([303, expect.stringMatching(/\/pay\/cs_\w+$|^\/donations\/waiting\/[\w.-]+$/)]);
    const waiting = all.filter((r) => String(r.headers.location).startsWith('/donations/waiting/'));
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(String(fromHongKong.headers.location)).toMatch(/^\/donations\/waiting\//);

    const enWaiting = waiting.filter((r) => r !== fromHongKong);
    expect(enWaiting.length).toBeGreaterThanOrEqual(2);
    const redis = new Redis(h.config.redisUrl);
    const lineOrder = await redis.zrange(checkoutLine(h), 0, -1).finally(() => redis.disconnect());
    const donationOf = (location: string) => Buffer.from(location.split('/').pop()!.split('.')[0]!, 'base64url').toString();
    expect([...lineOrder].sort()).toEqual(waiting.map((r) => donationOf(String(r.headers.location))).sort());
    expect(lineOrder.at(-1)).toBe(donationOf(String(fromHongKong.headers.location)));

    // The Hong Kong donor's page, in Traditional Chinese with the organisation's name, asking again by itself.
    const hongKongPage = await visit(h, String(fromHongKong.headers.location));
    expect(hongKongPage.status).toBe(200);
    expect(hongKongPage.text).toContain('您正在排隊付款');
    expect(hongKongPage.text).toContain('微笑橋基金會');
    expect(hongKongPage.text).not.toContain('Smilefund');
    expect(hongKongPage.text).toMatch(/<meta http-equiv="refresh" content="[1-5]">/);
    expect(hongKongPage.text).not.toContain('<script');

    // Every waiting page asks again every few seconds, as a browser without JavaScript would.
    const pages: Visit[] = [];
    const served: string[] = [];
    const checkoutUrls = await Promise.all(
      waiting.map(async (response) => {
        const location = String(response.headers.location);
        const checkout = await waitLikeABrowser(h, location, pages);
        served.push(donationOf(location));
        return checkout;
      }),
    );
    for (const url of checkoutUrls) expect(url).toMatch(/\/pay\/cs_\w+$/);
    expect(served).toEqual(lineOrder);
    expect(pages.filter((page) => page.status >= 500)).toEqual([]);
    const englishPages = pages.filter((page) => page.status === 200 && page.text.includes('<html lang="en">'));
    expect(englishPages.length).toBeGreaterThan(0);
    for (const page of englishPages) {
      expect(page.text).toContain('You are in the queue to pay');
      expect(page.text).toContain('Smile Bridge Foundation');
    }

    // How long each donor waited is kept with the gift, and counted for operators.
    const gifts = await h.database.db.selectFrom('donations').select(['id', 'stripe_checkout_session_id', 'checkout_waited_ms']).execute();
    expect(gifts).toHaveLength(9);
    for (const gift of gifts) {
      expect(gift.stripe_checkout_session_id).toMatch(/^cs_/);
      if (lineOrder.includes(gift.id)) expect(gift.checkout_waited_ms).toBeGreaterThan(0);
      else expect(gift.checkout_waited_ms).toBe(0);
    }
    const scraped = await (await fetch(`http://127.0.0.1:${h.web.metricsPort!}/metrics`)).text();
    expect(scraped).toMatch(/^smilefund_checkout_wait_seconds_count 9$/m);
    expect(scraped).toMatch(/^smilefund_stripe_budget_in_use\{operation="POST \/v1\/checkout\/sessions"\} \d+$/m);

    // The session the Hong Kong donor reached is theirs, and their gift goes through.
    const hongKongDonation = donationOf(String(fromHongKong.headers.location));
    const session = gifts.find((gift) => gift.id === hongKongDonation)!.stripe_checkout_session_id!;
    await h.pay(session);
    await h.settle();
    expect((await h.donation(hongKongDonation)).status).toBe('succeeded');
    expect(h.emulator.stripeCalls()['POST /v1/checkout/sessions']?.reduce((sum, s) => sum + s.refused, 0)).toBe(0);
  });
});

describe('donors when Stripe itself answers 429', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({
      // The budget believes in more Checkout Sessions a second than Stripe grants: Stripe refuses the rest.
      emulator: { load: { limits: { global: 100, perOperation: 100, operations: { 'POST /v1/checkout/sessions': 1 } } } },
      config: { stripe: { budget: { global: 90, perOperation: 90, operations: { 'POST /v1/checkout/sessions': 50 }, donorReserve: 10 } } },
    });
  });
  afterAll(() => h.stop());

  it('are sent to the waiting page rather than an error page, keep their gift, and go on to Checkout', async () => {
    const posted = await Promise.all(
      Array.from({ length: 5 }, (_, i) => request(h.url).post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ email: `rush-${i}@example.com` }))),
    );
    for (const response of posted) expect(response.status).toBe(303);
    const waiting = posted.map((r) => String(r.headers.location)).filter((location) => location.startsWith('/donations/waiting/'));
    expect(waiting.length).toBeGreaterThan(0);
    expect(h.emulator.stripeCalls()['POST /v1/checkout/sessions']?.reduce((sum, s) => sum + s.refused, 0)).toBeGreaterThan(0);
    // Every gift is kept, waiting or not.
    expect(await h.database.db.selectFrom('donations').select('id').where('status', '=', 'pending').execute()).toHaveLength(5);

    const pages: Visit[] = [];
    const reached = await Promise.all(waiting.map((location) => waitLikeABrowser(h, location, pages)));
    for (const url of reached) expect(url).toMatch(/\/pay\/cs_\w+$/);
    expect(pages.filter((page) => page.status >= 500)).toEqual([]);
    await waitUntil('every gift to have its Checkout Session', async () => (await h.database.db.selectFrom('donations').select('id').where('stripe_checkout_session_id', 'is', null).execute()).length === 0);
  });
});
