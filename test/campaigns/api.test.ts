import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { startTestContext, type TestContext } from '../support/context';
import { aDonorRow, aLedgerEntry, aPaidGift, aRecurringPlan, campaignId } from '../support/ledger-rows';

// The day these pages are read on: the November round open, July's closed.
const seededOn = new Date('2026-11-23T08:00:00Z');

const campaignKeys = ['donors', 'endsAt', 'raised', 'raisedByCurrency', 'recurringDonors', 'slug', 'startsAt', 'status', 'target', 'title'];

function expectShortPublicCache(res: request.Response) {
  const cacheControl = String(res.headers['cache-control']);
  expect(cacheControl).toMatch(/\bpublic\b/);
  const maxAge = Number(/\bmax-age=(\d+)\b/.exec(cacheControl)?.[1]);
  expect(maxAge).toBeGreaterThanOrEqual(1);
  expect(maxAge).toBeLessThanOrEqual(60);
}

describe('the campaign JSON API', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    await seedDemoData(t.database.db, seededOn);
    const { db } = t.database;
    await db.updateTable('campaigns').set({ status: 'draft' }).where('slug', '=', 'happy-smile-2026-05').execute();

    const fund = await campaignId(db, 'speech-therapy-fund');
    const mei = await aDonorRow(db, 'mei@example.com', 'Mei');
    const hk = await aPaidGift(db, { campaignId: fund, donorId: mei, amount: 250_050, currency: 'HKD' });
    await aLedgerEntry(db, hk, { kind: 'refund', amount: -50 });
    await aPaidGift(db, { campaignId: fund, donorId: mei, amount: 10_000, currency: 'CNY', settlement: { amount: 10_850, currency: 'HKD', rate: '1.085' } });
    const ken = await aDonorRow(db, 'ken@example.com', 'Ken');
    const planId = await aRecurringPlan(db, { campaignId: fund, donorId: ken, amount: 2_000, currency: 'USD', status: 'active' });
    await aPaidGift(db, { campaignId: fund, donorId: ken, amount: 2_000, currency: 'USD', frequency: 'month', planId, settlement: { amount: 15_600, currency: 'HKD', rate: '7.8' } });
  });
  afterAll(() => t.close());

  it('lists every public campaign, live ones first (open-ended, then the last to close), drafts never, and a round not open yet as upcoming', async () => {
    const res = await request(t.app).get('/api/campaigns').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expectShortPublicCache(res);
    expect(Object.keys(res.body)).toEqual(['campaigns']);
    const campaigns = res.body.campaigns as Array<Record<string, unknown>>;
    expect(campaigns.map((c) => [c.slug, c.status])).toEqual([
      ['speech-therapy-fund', 'live'],
      ['general', 'live'],
      ['happy-smile-2027-05', 'upcoming'],
      ['happy-smile-2026-11', 'live'],
      ['happy-smile-2026-07', 'closed'],
    ]);
    for (const campaign of campaigns) expect(Object.keys(campaign).sort()).toEqual(campaignKeys);
    expect(campaigns.find((c) => c.slug === 'happy-smile-2026-11')).toEqual({
      slug: 'happy-smile-2026-11',
      title: 'Happy Smile: November 2026 mission',
      status: 'live',
      target: { amount: 80_000_000, currency: 'CNY' },
      raised: { amount: 0, currency: 'CNY' },
      raisedByCurrency: [],
      donors: 0,
      recurringDonors: 0,
      startsAt: '2026-07-31T16:00:00.000Z',
      endsAt: '2026-11-30T15:59:59.000Z',
    });
  });

  it('gives one campaign with its totals in minor units of each currency', async () => {
    const res = await request(t.app).get('/api/campaigns/speech-therapy-fund').expect(200);
    expectShortPublicCache(res);
    expect(res.body).toEqual({
      slug: 'speech-therapy-fund',
      title: 'Speech therapy fund',
      status: 'live',
      target: { amount: 30_000_000, currency: 'HKD' },
      // HK$2,500.50 less a 50-cent refund, then CN¥100 and US$20 as Stripe settled them in HKD.
      raised: { amount: 250_000 + 10_850 + 15_600, currency: 'HKD' },
      raisedByCurrency: [
        { amount: 10_000, currency: 'CNY' },
        { amount: 250_000, currency: 'HKD' },
        { amount: 2_000, currency: 'USD' },
      ],
      donors: 2,
      recurringDonors: 1,
      startsAt: '2025-12-31T16:00:00.000Z',
      endsAt: null,
    });
    for (const money of [res.body.target, res.body.raised, ...res.body.raisedByCurrency]) expect(Number.isInteger(money.amount)).toBe(true);
  });

  it('answers the same for a campaign in the list and on its own', async () => {
    const list = await request(t.app).get('/api/campaigns').expect(200);
    const one = await request(t.app).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(list.body.campaigns.find((c: { slug: string }) => c.slug === 'speech-therapy-fund')).toEqual(one.body);
  });

  it('still describes a closed round, with what it raised', async () => {
    const res = await request(t.app).get('/api/campaigns/happy-smile-2026-07').expect(200);
    // The demo's gifts to the round: CN¥126,000 as given; HK$56,100, and the US$700 the bank credited as
    // HK$5,460, each brought into yuan at the latest CNY→HKD rate recorded, the bank's 1.0862 for the
    // demo's yuan transfer (this file's Stripe gift, at 1.085, came earlier): 5,610,000 ÷ 1.0862 and 546,000 ÷ 1.0862.
    expect(res.body).toMatchObject({
      slug: 'happy-smile-2026-07',
      status: 'closed',
      raised: { amount: 12_600_000 + 5_164_795 + 502_670, currency: 'CNY' },
      raisedByCurrency: [
        { amount: 12_600_000, currency: 'CNY' },
        { amount: 5_610_000, currency: 'HKD' },
        { amount: 70_000, currency: 'USD' },
      ],
      donors: 6,
    });
  });

  it('calls a round past its end closed, even before staff close it', async () => {
    const { db } = t.database;
    await db.updateTable('campaigns').set({ ends_at: new Date('2026-11-22T15:59:59Z') }).where('slug', '=', 'happy-smile-2026-11').execute();
    try {
      await t.ctx.campaignCache.heard();
      const res = await request(t.app).get('/api/campaigns/happy-smile-2026-11').expect(200);
      expect(res.body).toMatchObject({ slug: 'happy-smile-2026-11', status: 'closed', endsAt: '2026-11-22T15:59:59.000Z' });
      const listed = (await request(t.app).get('/api/campaigns').expect(200)).body.campaigns as Array<{ slug: string; status: string }>;
      expect(listed.find((c) => c.slug === 'happy-smile-2026-11')?.status).toBe('closed');
    } finally {
      await db.updateTable('campaigns').set({ ends_at: new Date('2026-11-30T15:59:59Z') }).where('slug', '=', 'happy-smile-2026-11').execute();
      await t.ctx.campaignCache.heard();
    }
  });

  it.each([
    ['an unknown campaign', 'no-such-campaign'],
    ['a draft', 'happy-smile-2026-05'],
    ['a slug no campaign could have', 'Not%20A%20Slug'],
  ])('answers %s with a JSON 404 and a stable code, whatever the client asks for', async (_case, slug) => {
    for (const accept of ['application/json', 'text/html', '*/*']) {
      const res = await request(t.app).get(`/api/campaigns/${slug}`).set('Accept', accept).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({ error: { code: 'not_found', message: 'There is no campaign at this address.' } });
      expect(res.headers['cache-control'] ?? '').not.toMatch(/max-age=[1-9]/);
    }
  });

  it('reflects a new gift on the next request', async () => {
    const { db } = t.database;
    const general = await campaignId(db, 'general');
    await aPaidGift(db, { campaignId: general, donorId: await aDonorRow(db, 'new@example.com'), amount: 5_000, currency: 'USD' });
    const res = await request(t.app).get('/api/campaigns/general').expect(200);
    expect(res.body).toMatchObject({ raised: { amount: 5_000, currency: 'USD' }, raisedByCurrency: [{ amount: 5_000, currency: 'USD' }], donors: 1 });
  });
});
