// A mission as donors and staff meet it: the Happy Smile page totals every round (in each currency, and in
// yuan at the rates Stripe recorded) and lists the rounds with their state; each round's page names its
// mission and links the rounds before and after it; a round published before it opens takes no gift; staff
// create and change missions, audited, and make a campaign a round of one.
import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { aDonor } from '../support/giving';
import { decodeEntities, fieldError, fieldsInError, inputValue, selectedOption, textareaValue } from '../support/html';
import { aDonorRow, aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';
import { listPresets } from '../../server/campaigns/campaign.repository';
import { valuesOfCampaign } from '../../server/campaigns/staff/campaign-form';

const rounds = demoRounds(testNow);
const [may, november] = rounds.closed as [(typeof rounds.closed)[0], (typeof rounds.closed)[0]];
const dayMs = 86_400_000;

/** The text of each element carrying `data-NAME`, tags dropped and entities decoded. */
function dataTexts(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<(\\w+)[^>]*\\sdata-${name}(?:="[^"]*")?[^>]*>([\\s\\S]*?)</\\1>`, 'g'))].map((m) => decodeEntities(m[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()));
}

/** Each round card of the mission page, in page order: its address and what its state tag says. */
function roundCards(html: string): Array<{ slug: string; state: string; raised: string }> {
  return [...html.matchAll(/<li class="round-card" data-round="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => ({
    slug: m[1]!,
    state: decodeEntities(/<span class="status-tag[^"]*">([^<]*)<\/span>/.exec(m[2]!)?.[1] ?? ''),
    raised: decodeEntities(/<p class="round-raised">([^<]*)<\/p>/.exec(m[2]!)?.[1] ?? ''),
  }));
}

describe('a mission and its rounds', () => {
  let t: TestContext;
  let manager: StaffAgent;
  let managerId: number;

  beforeAll(async () => {
    t = await startTestContext();
    // Without the demo's own gifts to the closed rounds: the totals below are the gifts this file gives.
    await seedDemoData(t.database.db, testNow, { closedRoundMoney: false });
    const { db } = t.database;
    const [mayId, openId] = [await campaignId(db, may.slug), await campaignId(db, rounds.open.slug)];
    const ana = await aDonorRow(db, 'ana@example.com');
    const bo = await aDonorRow(db, 'bo@example.com');
    const cy = await aDonorRow(db, 'cy@example.com');
    const inMay = new Date(testNow.getTime() - 40 * dayMs);
    // The account settles in HKD: Stripe recorded CNY→HKD at 1.08 and USD→HKD at 7.8.
    await aPaidGift(db, { campaignId: mayId, donorId: ana, amount: 100_000, currency: 'CNY', settlement: { amount: 108_000, currency: 'HKD', rate: '1.08' }, occurredAt: inMay });
    await aPaidGift(db, { campaignId: mayId, donorId: bo, amount: 50_000, currency: 'HKD', occurredAt: inMay });
    await aPaidGift(db, { campaignId: openId, donorId: ana, amount: 10_000, currency: 'USD', settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' } });
    // Settled in USD itself: no rate Stripe recorded brings it into yuan.
    await aPaidGift(db, { campaignId: openId, donorId: cy, amount: 5_000, currency: 'USD' });
    const member = await aStaffMember(db, ['campaign_manager']);
    managerId = member.id;
    manager = await signInAs(t.app, member.email);
  });
  afterAll(() => t.close());

  describe('the mission page', () => {
    it('totals every round in each currency and in yuan at the rates Stripe recorded, and counts each donor once', async () => {
      const res = await request(t.app).get('/missions/happy-smile').expect(200);
      expect(res.text).toContain('<h1>Happy Smile</h1>');
      expect(res.text).toContain('Volunteer surgical teams travel three times a year');
      // CN¥1,000 as given; HK$500 and US$100 settled in HKD, brought back at CNY→HKD 1.08: 46,296 and 72,222 fen.
      expect(dataTexts(res.text, 'mission-raised')).toEqual(['CN¥2,185']);
      expect(res.text).toContain('across 4 rounds');
      expect(dataTexts(res.text, 'given-in')).toEqual(['CN¥1,000.00, HK$500.00, US$150.00']);
      expect(dataTexts(res.text, 'unconverted')).toEqual(['Not yet counted in CNY, as no rate has been recorded for it yet: US$50.00.']);
      expect(dataTexts(res.text, 'donors')).toEqual(['3']);
    });

    it('lists every round newest first with its state, its days and what it raised in its own currency', async () => {
      const res = await request(t.app).get('/missions/happy-smile').expect(200);
      expect(roundCards(res.text)).toEqual([
        { slug: rounds.upcoming.slug, state: 'Opens on Aug 1, 2026', raised: 'CN¥0 raised of CN¥800,000 (0%)' },
        { slug: rounds.open.slug, state: 'Open now', raised: 'CN¥722 raised of CN¥800,000 (0%)' },
        { slug: may.slug, state: 'Closed', raised: 'CN¥1,463 raised of CN¥800,000 (0%)' },
        { slug: november.slug, state: 'Closed', raised: 'CN¥0 raised of CN¥800,000 (0%)' },
      ]);
      // Days in Hong Kong, where the July round opens on 1 June and closes on 31 July.
      expect(res.text).toMatch(/<time datetime="2026-05-31T16:00:00.000Z">Jun 1, 2026<\/time> – <time datetime="2026-07-31T15:59:59.000Z">Jul 31, 2026<\/time>/);
      expect(res.text).toContain(`<h3><a href="/campaigns/${may.slug}">${may.title}</a></h3>`);
    });

    it('offers the open round first, with a clear button', async () => {
      const res = await request(t.app).get('/missions/happy-smile').expect(200);
      expect(res.text).toContain(`<a class="button" href="/campaigns/${rounds.open.slug}#give">Give to the open round</a>`);
      expect(res.text).toContain(`${rounds.open.title}, open until Jul 31, 2026`);
    });

    it('reads in Simplified Chinese', async () => {
      const res = await request(t.app).get('/missions/happy-smile?lang=zh-CN').expect(200);
      expect(res.text).toContain('<html lang="zh-CN">');
      expect(res.text).toContain('<h1>微笑行动</h1>');
      expect(res.text).toContain('志愿医疗队每年三次出发');
      expect(res.text).toContain('捐款给正在进行的一期</a>');
      expect(dataTexts(res.text, 'mission-raised')).toEqual(['¥2,185']);
      expect(res.text).toContain('（共 4 期）');
      expect(dataTexts(res.text, 'unconverted')).toEqual(['以下款项因尚未记录汇率，暂未计入CNY合计：US$50.00。']);
      expect(roundCards(res.text).map((card) => card.state)).toEqual(['2026年8月1日开始', '正在进行', '已结束', '已结束']);
    });

    it('reads in Traditional Chinese as Hong Kong writes it', async () => {
      const res = await request(t.app).get('/missions/happy-smile?lang=zh-HK').expect(200);
      expect(res.text).toContain('<html lang="zh-HK">');
      expect(res.text).toContain('<h1>微笑行動</h1>');
      expect(res.text).toContain('義務醫療隊每年三次出發');
      expect(res.text).toContain('捐款予正在進行的一期</a>');
      expect(dataTexts(res.text, 'given-in')).toEqual(['CN¥1,000.00、HK$500.00、US$150.00']);
      expect(roundCards(res.text).map((card) => card.state)).toEqual(['2026年8月1日開始', '正在進行', '已結束', '已結束']);
    });

    it('shows a gift the moment it is recorded', async () => {
      const before = dataTexts((await request(t.app).get('/missions/happy-smile').expect(200)).text, 'given-in');
      const { db } = t.database;
      await aPaidGift(db, { campaignId: await campaignId(db, november.slug), donorId: null, amount: 20_000, currency: 'CNY', occurredAt: new Date(testNow.getTime() - 250 * dayMs) });
      const after = await request(t.app).get('/missions/happy-smile').expect(200);
      expect(before).toEqual(['CN¥1,000.00, HK$500.00, US$150.00']);
      expect(dataTexts(after.text, 'given-in')).toEqual(['CN¥1,200.00, HK$500.00, US$150.00']);
      expect(dataTexts(after.text, 'donors')).toEqual(['4']);
      expect(roundCards(after.text)[3]!.raised).toBe('CN¥200 raised of CN¥800,000 (0%)');
    });

    it('answers an unknown mission, or an address no mission can have, with a 404 page in the reader’s language', async () => {
      const unknown = await request(t.app).get('/missions/no-such-mission').expect(404);
      expect(unknown.text).toContain('There is no mission at this address.');
      const hk = await request(t.app).get('/missions/no-such-mission').set('Accept-Language', 'zh-HK').expect(404);
      expect(hk.text).toContain('此地址沒有對應的計劃。');
      for (const path of ['/missions/Happy-Smile', '/missions/happy%00smile', `/missions/${'a'.repeat(500)}`, '/missions/%E2%80%AE', '/missions/-happy']) {
        const res = await request(t.app).get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
    });
  });

  describe('a round’s page', () => {
    it('names its mission and links the rounds before and after it', async () => {
      const res = await request(t.app).get(`/campaigns/${may.slug}`).expect(200);
      expect(res.text).toContain('<p class="round-of">A round of <a href="/missions/happy-smile">Happy Smile</a></p>');
      expect(res.text).toContain(`<a href="/campaigns/${november.slug}" rel="prev"><span class="round-nav-label">Previous round:</span> ${november.title}</a>`);
      expect(res.text).toContain(`<a href="/campaigns/${rounds.open.slug}" rel="next"><span class="round-nav-label">Next round:</span> ${rounds.open.title}</a>`);

      const first = await request(t.app).get(`/campaigns/${november.slug}`).expect(200);
      expect(first.text).not.toContain('rel="prev"');
      expect(first.text).toContain(`<a href="/campaigns/${may.slug}" rel="next">`);

      const open = await request(t.app).get(`/campaigns/${rounds.open.slug}`).expect(200);
      expect(open.text).toContain(`<a href="/campaigns/${may.slug}" rel="prev">`);
      expect(open.text).toContain(`<a href="/campaigns/${rounds.upcoming.slug}" rel="next">`);
    });

    it('says so in Chinese', async () => {
      const cn = await request(t.app).get(`/campaigns/${may.slug}?lang=zh-CN`).expect(200);
      expect(cn.text).toContain('<p class="round-of">「<a href="/missions/happy-smile">微笑行动</a>」计划的一期</p>');
      expect(cn.text).toContain('<span class="round-nav-label">上一期：</span> 微笑行动：2025年11月医疗队');
      const hk = await request(t.app).get(`/campaigns/${may.slug}?lang=zh-HK`).expect(200);
      expect(hk.text).toContain('<p class="round-of">「<a href="/missions/happy-smile">微笑行動</a>」計劃的一期</p>');
      expect(hk.text).toContain('<span class="round-nav-label">下一期：</span> 微笑行動：2026年7月醫療隊');
    });

    it('says nothing of missions on a campaign of its own', async () => {
      const res = await request(t.app).get('/campaigns/speech-therapy-fund').expect(200);
      expect(res.text).not.toContain('round-of');
      expect(res.text).not.toContain('round-nav');
    });
  });

  describe('a round published before it opens', () => {
    it('says when it opens, offers the open round meanwhile, and shows no form', async () => {
      const res = await request(t.app).get(`/campaigns/${rounds.upcoming.slug}`).expect(200);
      expect(res.text).toMatch(/<strong>This round opens on <time datetime="2026-07-31T16:00:00.000Z">Aug 1, 2026<\/time>\.<\/strong>/);
      expect(res.text).toContain(`<a href="/campaigns/${rounds.open.slug}">Until then, give to ${rounds.open.title}</a>`);
      expect(res.text).toContain('<h2 id="give-heading">This round is not open yet</h2>');
      expect(res.text).toContain(`<a class="button" href="/campaigns/${rounds.open.slug}">Give now to ${rounds.open.title}</a>`);
      expect(res.text).toContain('<dt>Opens</dt>');
      expect(res.text).not.toContain('<form');
      expect(res.text).not.toContain('has closed');
      expect(res.text).toContain(`<a href="/campaigns/${rounds.open.slug}" rel="prev">`);
      expect(res.text).not.toContain('rel="next"');

      const hk = await request(t.app).get(`/campaigns/${rounds.upcoming.slug}?lang=zh-HK`).expect(200);
      expect(hk.text).toMatch(/<strong>本期將於<time datetime="[^"]+">2026年8月1日<\/time>開始接受捐款。<\/strong>/);
    });

    it('takes no gift posted to it: a message, and nothing stored', async () => {
      const { db } = t.database;
      const upcomingId = await campaignId(db, rounds.upcoming.slug);
      const res = await request(t.app).post(`/campaigns/${rounds.upcoming.slug}/donate`).type('form').send(aDonor({ currency: 'CNY', amount: '500' })).expect(422);
      expect(res.text).toContain('<p class="field-error" role="alert">This round opens on Aug 1, 2026 and cannot take a gift before then. Nothing was charged.</p>');
      expect(res.text).not.toContain(`action="/campaigns/${rounds.upcoming.slug}/donate`);
      expect(await db.selectFrom('donations').select('id').where('campaign_id', '=', upcomingId).execute()).toEqual([]);
    });

    it('is off the list of campaigns raising now, upcoming in the API, and not offered in the widget', async () => {
      const home = await request(t.app).get('/').expect(200);
      expect(home.text).not.toContain(`href="/campaigns/${rounds.upcoming.slug}"`);
      expect(home.text).toContain(`href="/campaigns/${rounds.open.slug}"`);
      const api = await request(t.app).get(`/api/campaigns/${rounds.upcoming.slug}`).expect(200);
      expect(api.body.status).toBe('upcoming');
      expect((await request(t.app).get(`/api/campaigns/${rounds.open.slug}`).expect(200)).body.status).toBe('live');
      const widget = await request(t.app).get(`/embed/campaigns/${rounds.upcoming.slug}?lang=en`).expect(200);
      expect(widget.text).toContain('This round opens on <time');
      expect(widget.text).not.toContain('#give');
    });
  });

  describe('staff', () => {
    const aMissionForm = (overrides: Record<string, string> = {}) => ({
      slug: 'speech-camps',
      title_en: 'Speech camps',
      title_zh: '言语训练营',
      title_zh_hk: '',
      summary_en: 'Summer camps where children practise speaking after surgery.',
      summary_zh: '',
      summary_zh_hk: '',
      currency: 'HKD',
      ...overrides,
    });

    it('refuses a bad mission form field by field, keeps what was typed, and stores nothing', async () => {
      const res = await manager.post('/staff/missions', aMissionForm({ slug: 'Speech Camps!', title_en: '', summary_en: '', title_zh: '<营>', currency: 'EUR' })).expect(422);
      expect(fieldsInError(res.text).sort()).toEqual(['currency', 'slug', 'summary_en', 'title_en']);
      expect(fieldError(res.text, 'title_en')).toBe('Enter the English title.');
      expect(fieldError(res.text, 'currency')).toBe('Choose one of CNY, HKD, USD.');
      expect(inputValue(res.text, 'slug')).toBe('speech camps!');
      expect(inputValue(res.text, 'title_zh')).toBe('<营>');
      const taken = await manager.post('/staff/missions', aMissionForm({ slug: 'happy-smile' })).expect(422);
      expect(fieldError(taken.text, 'slug')).toBe('Another mission already uses this address; choose another.');
      const reserved = await manager.post('/staff/missions', aMissionForm({ slug: 'new' })).expect(422);
      expect(fieldsInError(reserved.text)).toEqual(['slug']);
      expect(await t.database.db.selectFrom('missions').select('slug').orderBy('id').execute()).toEqual([{ slug: 'happy-smile' }]);
      expect(await t.database.db.selectFrom('audit_log').select('id').where('subject_type', '=', 'mission').execute()).toEqual([]);
    });

    it('creates a mission, audited, and lists it', async () => {
      const created = await manager.post('/staff/missions', aMissionForm()).expect(303);
      expect(created.headers.location).toBe('/staff/missions?saved=speech-camps');
      const mission = await t.database.db.selectFrom('missions').selectAll().where('slug', '=', 'speech-camps').executeTakeFirstOrThrow();
      expect(mission).toMatchObject({ title: { en: 'Speech camps', 'zh-CN': '言语训练营' }, summary: { en: 'Summer camps where children practise speaking after surgery.' }, currency: 'HKD' });
      const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'mission.created').executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ staff_id: managerId, subject_type: 'mission', subject_id: String(mission.id), before: null, after: { slug: 'speech-camps', currency: 'HKD', title: { en: 'Speech camps', 'zh-CN': '言语训练营' } } });
      const list = await manager.agent.get('/staff/missions?saved=speech-camps').expect(200);
      expect(list.text).toContain('The mission Speech camps is saved.');
      expect(list.text).toContain('href="/staff/missions/speech-camps/edit"');
      // Its page is there at once, in Traditional Chinese converted from the Simplified it was written in.
      const page = await request(t.app).get('/missions/speech-camps?lang=zh-HK').expect(200);
      expect(page.text).toContain('<h1>言語訓練營</h1>');
      expect(page.text).toContain('此計劃尚未開始任何一期。');
    });

    it('changes a mission, audited before and after, and the pages that show it follow at once', async () => {
      const form = await manager.agent.get('/staff/missions/happy-smile/edit').expect(200);
      expect(inputValue(form.text, 'title_zh_hk')).toBe('微笑行動');
      expect(selectedOption(form.text, 'currency')).toBe('CNY');
      expect(textareaValue(form.text, 'summary_en')).toMatch(/^Volunteer surgical teams/);
      await request(t.app).get(`/campaigns/${may.slug}`).expect(200);

      const bad = await manager.post('/staff/missions/happy-smile/edit', aMissionForm({ slug: 'happy-smile', title_en: 'x'.repeat(121) })).expect(422);
      expect(fieldError(bad.text, 'title_en')).toBe('Keep the English title to 120 characters (it has 121).');

      await manager
        .post('/staff/missions/happy-smile/edit', { slug: 'happy-smile', title_en: 'Happy Smile surgery', title_zh: '微笑行动', title_zh_hk: '微笑行動', summary_en: 'Surgery, three times a year.', summary_zh: '', summary_zh_hk: '', currency: 'USD' })
        .expect(303);
      const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'mission.updated').executeTakeFirstOrThrow();
      expect(audit.before).toMatchObject({ title: { en: 'Happy Smile' }, currency: 'CNY' });
      expect(audit.after).toMatchObject({ title: { en: 'Happy Smile surgery' }, currency: 'USD' });

      const page = await request(t.app).get('/missions/happy-smile').expect(200);
      expect(page.text).toContain('<h1>Happy Smile surgery</h1>');
      expect(page.text).toContain('Counted in USD');
      const round = await request(t.app).get(`/campaigns/${may.slug}`).expect(200);
      expect(round.text).toContain('A round of <a href="/missions/happy-smile">Happy Smile surgery</a>');

      const admin = await signInAs(t.app, (await aStaffMember(t.database.db, ['admin'])).email);
      const log = await admin.agent.get('/staff/audit').expect(200);
      expect(decodeEntities(log.text)).toMatch(/Staff \d+ changed the mission Happy Smile surgery \(happy-smile\)\./);
      expect(decodeEntities(log.text)).toMatch(/Staff \d+ created the mission Speech camps \(speech-camps\)\./);
      expect(log.text).toContain('href="/staff/missions/happy-smile/edit"');
    });

    it('makes a campaign a round of a mission on the campaign form, and refuses a mission that is not there', async () => {
      const { db } = t.database;
      const speechCamps = await db.selectFrom('missions').select('id').where('slug', '=', 'speech-camps').executeTakeFirstOrThrow();
      const form = await manager.agent.get('/staff/campaigns/speech-therapy-fund/edit').expect(200);
      expect(selectedOption(form.text, 'mission')).toBe('');
      expect(form.text).toContain(`<option value="${speechCamps.id}" >Speech camps</option>`);
      // The form as the browser sends it back: every field as it was filled in.
      const campaign = await db.selectFrom('campaigns').selectAll().where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow();
      const { presets, hold_messages: holdMessages, ...values } = valuesOfCampaign(campaign, await listPresets(db, campaign.id), t.ctx.config.organisation.timeZone);
      const base = {
        ...values,
        preset_currency: presets.map((row) => row.currency),
        preset_amount: presets.map((row) => row.amount),
        preset_label_en: presets.map((row) => row.label_en),
        preset_label_zh: presets.map((row) => row.label_zh),
        preset_label_zh_hk: presets.map((row) => row.label_zh_hk),
        ...(holdMessages ? { hold_messages: '1' } : {}),
      };

      const refused = await manager.post('/staff/campaigns/speech-therapy-fund/edit', { ...base, mission: '999999' }).expect(422);
      expect(fieldsInError(refused.text)).toEqual(['mission']);
      expect(fieldError(refused.text, 'mission')).toBe('Choose one of the missions in the list, or none.');
      expect((await db.selectFrom('campaigns').select('mission_id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow()).mission_id).toBeNull();

      await manager.post('/staff/campaigns/speech-therapy-fund/edit', { ...base, mission: String(speechCamps.id) }).expect(303);
      expect((await db.selectFrom('campaigns').select('mission_id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow()).mission_id).toBe(speechCamps.id);
      const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit.before).toMatchObject({ mission_id: null });
      expect(audit.after).toMatchObject({ mission_id: speechCamps.id });
      const page = await request(t.app).get('/missions/speech-camps').expect(200);
      expect(roundCards(page.text).map((card) => card.slug)).toEqual(['speech-therapy-fund']);
      expect(page.text).toContain('<a class="button" href="/campaigns/speech-therapy-fund#give">Give to the open round</a>');
      const round = await request(t.app).get('/campaigns/speech-therapy-fund').expect(200);
      expect(round.text).toContain('A round of <a href="/missions/speech-camps">Speech camps</a>');
    });

    it('opens the mission pages to campaign managers and admins only', async () => {
      const finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
      for (const path of ['/staff/missions', '/staff/missions/new', '/staff/missions/happy-smile/edit']) {
        const res = await finance.agent.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      await finance.post('/staff/missions', aMissionForm({ slug: 'by-finance' })).expect(403);
      await finance.post('/staff/missions/happy-smile/edit', aMissionForm({ slug: 'happy-smile' })).expect(403);
      expect(await t.database.db.selectFrom('missions').select('id').where('slug', '=', 'by-finance').execute()).toEqual([]);

      const admin = await signInAs(t.app, (await aStaffMember(t.database.db, ['admin'])).email);
      await admin.agent.get('/staff/missions').expect(200);
      await admin.agent.get('/staff/missions/new').expect(200);
      const visitor = await request(t.app).get('/staff/missions').expect(303);
      expect(visitor.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Fmissions');
      await request(t.app).get('/staff/missions/Not%20a%20slug/edit').expect(303);
      await manager.agent.get('/staff/missions/Not%20a%20slug/edit').expect(404);
    });
  });
});
