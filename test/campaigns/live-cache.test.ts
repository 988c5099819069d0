// The campaign cache: what donors read is kept between changes, and forgotten as soon as Postgres tells
// of a change, whatever wrote it; while it cannot hear Postgres it keeps nothing.
import { sql } from 'kysely';
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { createCampaignCache, type CampaignCache, type Loaded } from '../../server/campaign-cache';
import { createLogger } from '../../server/logger';
import { startTestContext, type TestContext } from '../support/context';
import { aDonorRow, aPaidGift, campaignId } from '../support/ledger-rows';
import { waitUntil } from '../support/wait';

describe('the campaign cache', () => {
  let t: TestContext;
  let cache: CampaignCache;
  let speech: number;
  let general: number;
  let loads: number;
  const countedLoad =
    (shows: number[] | 'all', value: unknown = 'page') =>
    async (): Promise<Loaded<unknown>> => {
      loads += 1;
      return { value, shows };
    };
  const noCampaign = async (): Promise<Loaded<undefined>> => {
    loads += 1;
    return { value: undefined, shows: 'all' };
  };

  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    speech = await campaignId(t.database.db, 'speech-therapy-fund');
    general = await campaignId(t.database.db, 'general');
  });
  beforeEach(async () => {
    cache = createCampaignCache(t.database.url, createLogger(t.ctx.config));
    loads = 0;
    // The first read starts listening; from the second on, values are kept.
    await cache.read('warm-up', countedLoad([general]));
    await cache.heard();
    loads = 0;
  });
  afterEach(() => cache.close());
  afterAll(() => t.close());

  async function listenerPid(): Promise<number | undefined> {
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and application_name = 'smilefund campaign cache'`.execute(t.database.db);
    return rows[0]?.pid;
  }

  it('loads a page once for any number of readers between changes', async () => {
    const reads = await Promise.all(Array.from({ length: 20 }, () => cache.read('page:speech', countedLoad([speech]))));
    await cache.read('page:speech', countedLoad([speech]));
    expect(reads.every((value) => value === 'page')).toBe(true);
    expect(loads).toBe(1);
  });

  it('forgets a campaign’s pages when a gift to it is committed, and only that campaign’s and the lists', async () => {
    await cache.read('page:speech', countedLoad([speech]));
    await cache.read('page:general', countedLoad([general]));
    await cache.read('home', countedLoad('all'));
    expect(loads).toBe(3);

    await aPaidGift(t.database.db, { campaignId: speech, donorId: await aDonorRow(t.database.db, 'cache@example.com'), amount: 5_000, currency: 'HKD' });
    await cache.heard();
    await cache.read('page:speech', countedLoad([speech]));
    await cache.read('page:general', countedLoad([general]));
    await cache.read('home', countedLoad('all'));
    expect(loads).toBe(3 + 2);
  });

  it('hears a change to the campaign itself, its presets and its impact updates', async () => {
    const { db } = t.database;
    const changes = [
      () => db.updateTable('campaigns').set({ summary: { en: 'A new summary', 'zh-CN': '新的简介' } }).where('id', '=', speech).execute(),
      () => db.deleteFrom('campaign_presets').where('campaign_id', '=', speech).execute(),
    ];
    for (const change of changes) {
      await cache.read('page:speech', countedLoad([speech]));
      const before = loads;
      await change();
      await cache.heard();
      await cache.read('page:speech', countedLoad([speech]));
      expect(loads).toBe(before + 1);
    }
  });

  it('does not keep what a load read before a change that landed while it ran', async () => {
    let finish!: () => void;
    const slow = cache.read('page:speech', async () => {
      loads += 1;
      await new Promise<void>((resolve) => (finish = resolve));
      return { value: 'before the gift', shows: [speech] };
    });
    await new Promise((resolve) => setImmediate(resolve));
    cache.campaignChanged(speech);
    // A reader arriving after the change does not wait for the load that began before it.
    const after = cache.read('page:speech', countedLoad([speech], 'after the gift'));
    finish();
    expect(await slow).toBe('before the gift');
    expect(await after).toBe('after the gift');
    expect(await cache.read('page:speech', countedLoad([speech], 'reloaded'))).toBe('after the gift');
    expect(loads).toBe(2);
  });

  it('keeps nothing for an address with no campaign', async () => {
    await cache.read('page:nothing-here', noCampaign);
    await cache.read('page:nothing-here', noCampaign);
    expect(loads).toBe(2);
  });

  it('reads from the database while its listener is cut off, and keeps values again once it is back', async () => {
    await cache.read('page:speech', countedLoad([speech]));
    const pid = await listenerPid();
    expect(pid).toBeDefined();
    await sql`select pg_terminate_backend(${pid})`.execute(t.database.db);
    // Once it notices, it cannot know about changes: every read loads, until it listens again.
    let loadedEveryRead = 0;
    await waitUntil('reads to load while cut off, then a new listener', async () => {
      const before = loads;
      await cache.read('page:speech', countedLoad([speech]));
      await cache.read('page:speech', countedLoad([speech]));
      if (loads === before + 2) loadedEveryRead += 1;
      const now = await listenerPid();
      return loadedEveryRead > 0 && now !== undefined && now !== pid;
    }, { pollMs: 50 });
    await cache.heard();
    await cache.read('page:speech', countedLoad([speech]));
    const kept = loads;
    await cache.read('page:speech', countedLoad([speech]));
    expect(loads).toBe(kept);
  });
});

describe('campaign pages and their JSON, read through the cache', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(() => t.close());

  it('answer a browser that already holds the kept page or JSON with 304, and a new version with 200', async () => {
    // One site address, as a browser keeps: the page names it (link previews, share links), and supertest's port changes each request.
    const host = 'give.example.org';
    for (const path of ['/campaigns/general', '/api/campaigns/general']) {
      const first = await request(t.app).get(path).set('Host', host).expect(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
      await request(t.app).get(path).set('Host', host).set('If-None-Match', etag).expect(304);
      await aPaidGift(t.database.db, { campaignId: await campaignId(t.database.db, 'general'), donorId: null, amount: 1_000, currency: 'USD' });
      const changed = await request(t.app).get(path).set('Host', host).set('If-None-Match', etag).expect(200);
      expect(changed.headers.etag).not.toBe(etag);
    }
  });

  it('show a gift as soon as it is recorded, on the page, the home page, the widget and the API', async () => {
    const { db } = t.database;
    const speech = await campaignId(db, 'speech-therapy-fund');
    const raised = async () => ({
      page: /data-raised[^>]*>([^<]+)</.exec((await request(t.app).get('/campaigns/speech-therapy-fund').expect(200)).text)?.[1],
      api: (await request(t.app).get('/api/campaigns/speech-therapy-fund').expect(200)).body.raised.amount as number,
      widget: /id="embed-raised">([^<]+)</.exec((await request(t.app).get('/embed/campaigns/speech-therapy-fund').expect(200)).text)?.[1],
    });
    const before = await raised();
    await raised();
    await aPaidGift(db, { campaignId: speech, donorId: await aDonorRow(db, 'seen@example.com'), amount: 123_400, currency: 'HKD' });
    await t.ctx.campaignCache.heard();
    const after = await raised();
    expect(after.api).toBe(before.api + 123_400);
    expect(after.page).not.toBe(before.page);
    expect(after.widget).toContain(after.page);
    expect(before.widget).not.toContain(after.page);
  });
});
