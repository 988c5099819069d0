// A closed round as a donor who follows an old link finds it: closed, what it raised, no form, and where to give now.
import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { aDonor } from '../support/giving';
import { aDonorRow, aPaidGift, campaignId } from '../support/ledger-rows';

const { open: openRound, closed: [closedRound] } = demoRounds(testNow);

describe('a closed campaign', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    // Three gifts of CN¥100 each, given while the round was open, beside the demo's own.
    const { db } = t.database;
    const closedId = await campaignId(db, closedRound!.slug);
    const givenOn = new Date(testNow.getTime() - 30 * 24 * 60 * 60 * 1000);
    for (const n of [1, 2, 3]) await aPaidGift(db, { campaignId: closedId, donorId: await aDonorRow(db, `giver-${n}@example.com`), amount: 10_000, currency: 'CNY', occurredAt: givenOn });
  });
  afterAll(() => t.close());

  const donationsTo = async (slug: string) =>
    (await t.database.db.selectFrom('donations').innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id').select('donations.id').where('campaigns.slug', '=', slug).execute()).length;

  it('says it is closed and when, shows what it raised, offers no form and points to the open round', async () => {
    const res = await request(t.app).get(`/campaigns/${closedRound!.slug}`).expect(200);
    expect(res.text).toContain(`<h1>${closedRound!.title}</h1>`);
    expect(res.text).toMatch(/This campaign closed on <time datetime="[^"]+">[^<]+<\/time>\./);
    expect(res.text).toMatch(/<dt>Closed<\/dt><dd><time datetime="[^"]+">/);
    expect(res.text).not.toContain('<dt>Closes</dt>');
    expect(res.text).not.toContain('days left');
    // The demo's six gifts to the round and the three above: CN¥126,300 in yuan, and HK$56,100 with the
    // US$700 the bank credited as HK$5,460, brought into yuan at the latest CNY→HKD rate recorded (the bank's 1.0862): CN¥56,674.65.
    expect(res.text).toContain('<strong data-raised>CN¥182,975</strong>');
    expect(res.text).toContain('9 donors');
    expect(res.text).not.toContain('<form');
    expect(res.text).not.toContain(`action="/campaigns/${closedRound!.slug}/donate`);
    expect(res.text).not.toContain('?amount=');
    expect(res.text).toContain(`<a class="button" href="/campaigns/${openRound.slug}">Give now to ${openRound.title}</a>`);
    expect(res.text).toContain('<a href="/">See the campaigns raising now.</a>');
  });

  it('says so in Chinese', async () => {
    const res = await request(t.app).get(`/campaigns/${closedRound!.slug}`).set('Accept-Language', 'zh-CN').expect(200);
    expect(res.text).toMatch(/此募捐项目已于<time datetime="[^"]+">[^<]+<\/time>结束。/);
    expect(res.text).toContain('<dt>已结束</dt>');
    expect(res.text).toContain(`<a class="button" href="/campaigns/${openRound.slug}">立即捐款给「微笑行动：`);
    expect(res.text).not.toContain(`action="/campaigns/${closedRound!.slug}/donate`);
  });

  it('still refuses a gift posted to it, cleanly, and stores nothing', async () => {
    const before = await donationsTo(closedRound!.slug);
    const res = await request(t.app).post(`/campaigns/${closedRound!.slug}/donate`).type('form').send(aDonor({ currency: 'CNY', amount: '500' })).expect(422);
    expect(res.text).toContain('This campaign has closed and no longer takes gifts. Thank you for thinking of it.');
    expect(res.text).toContain(`href="/campaigns/${openRound.slug}"`);
    expect(res.text).not.toContain(`action="/campaigns/${closedRound!.slug}/donate`);
    expect(await donationsTo(closedRound!.slug)).toBe(before);
  });

  it('offers no giving in the partner widget', async () => {
    const res = await request(t.app).get(`/embed/campaigns/${closedRound!.slug}?lang=en`).expect(200);
    expect(res.text).toContain('This campaign has closed.');
    expect(res.text).not.toContain('#give');
  });

  it('treats a live campaign past its end as closed: off the list, no form, gifts refused, the general fund offered', async () => {
    const ended = new Date(testNow.getTime() - 24 * 60 * 60 * 1000);
    await t.database.db.updateTable('campaigns').set({ ends_at: ended }).where('slug', '=', 'speech-therapy-fund').execute();
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).not.toContain('href="/campaigns/speech-therapy-fund"');
    expect(home.text).toContain(`href="/campaigns/${openRound.slug}"`);

    const page = await request(t.app).get('/campaigns/speech-therapy-fund').expect(200);
    expect(page.text).toContain(`This campaign closed on <time datetime="${ended.toISOString()}">`);
    expect(page.text).not.toContain('action="/campaigns/speech-therapy-fund/donate');
    // No round of its own to go on to: the general fund.
    expect(page.text).toContain('<a class="button" href="/campaigns/general">Give now to General fund</a>');

    const widget = await request(t.app).get('/embed/campaigns/speech-therapy-fund?lang=en').expect(200);
    expect(widget.text).not.toContain('#give');

    const before = await donationsTo('speech-therapy-fund');
    const refused = await request(t.app).post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ currency: 'HKD', amount: '500' })).expect(422);
    expect(refused.text).toContain('no longer takes gifts');
    expect(await donationsTo('speech-therapy-fund')).toBe(before);
  });

  it('says it is closed without a date when staff closed it early, and sends the donor to the list when nothing else is open', async () => {
    const { db } = t.database;
    await db.updateTable('campaigns').set({ status: 'closed' }).where('slug', 'in', [openRound.slug, 'general']).execute();
    const res = await request(t.app).get(`/campaigns/${openRound.slug}`).expect(200);
    expect(res.text).toContain('<strong>This campaign has closed.</strong>');
    expect(res.text).not.toContain('<dt>Closes</dt>');
    expect(res.text).not.toContain('<dt>Closed</dt>');
    expect(res.text).not.toContain('<form');
    expect(res.text).toContain('<a href="/">See the campaigns raising now.</a>');
    expect(res.text).not.toContain('Give now to');
  });
});
