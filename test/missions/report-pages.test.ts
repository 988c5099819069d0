// A round that reported, as donors meet it (#17): each donor who gave sees on their account what their own
// gifts were of the round and of what it did, in their language, with the rule the shares follow; a donor
// who gave nothing to it sees nothing of it; the round's page says what it raised and achieved, and its
// mission's page says it beside the round's totals. The fixture is a mission of its own, so whatever the
// demo's rounds hold does not matter here.
import request from 'supertest';
import { testNow } from '../support/clock';
import { foreignSentences } from '../support/catalog-leaks';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities } from '../support/html';
import { aDonorRow, aPaidGift } from '../support/ledger-rows';
import { aStaffMember } from '../support/staff';
import type { Db } from '../../server/database';
import { insertCampaign, type CampaignColumns } from '../../server/campaigns/staff/campaign-editing.repository';
import { startDonorSession } from '../../server/donors/sessions';
import type { Locale } from '../../server/locale';
import { translate } from '../../server/i18n/messages';
import { insertMission } from '../../server/missions/mission.repository';
import { recordOutcome } from '../../server/missions/rounds/outcomes';
import { publishRoundReport } from '../../server/missions/rounds/report';
import { findRoundBySlug } from '../../server/missions/rounds/rounds.repository';

const dayMs = 86_400_000;
const march = 'bright-smile-2026-03';
const november = 'bright-smile-2025-11';

/** The text inside a tag, tags dropped, spaces squeezed and entities decoded. */
const textOf = (html: string) => decodeEntities(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());

/** Each round of the account's "what your gifts achieved": its address and the sentences under it. */
function roundShares(html: string): Array<{ slug: string; sentences: string[] }> {
  return [...html.matchAll(/<article class="round-share" data-round-share="([^"]+)"[^>]*>([\s\S]*?)<\/article>/g)].map((m) => ({
    slug: m[1]!,
    sentences: [...m[2]!.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((p) => textOf(p[1]!)),
  }));
}

/** The text of every element carrying `data-NAME`, in page order. */
function dataTexts(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<(\\w+)[^>]*\\sdata-${name}(?:="[^"]*")?[^>]*>([\\s\\S]*?)</\\1>`, 'g'))].map((m) => textOf(m[2]!));
}

const section = (html: string, id: string) => new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
const reportBlock = (html: string) => /<section class="round-report"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

function aRound(missionId: number, slug: string, title: CampaignColumns['title'], startsAt: Date, endsAt: Date): CampaignColumns {
  return {
    slug,
    title,
    summary: { en: 'Surgery for children born with a cleft, at two partner hospitals.' },
    story: { en: 'Volunteer teams operate; families travel in for the week.' },
    status: 'closed',
    closed_at: new Date(endsAt.getTime() + dayMs),
    target_amount: 1_000_000,
    target_currency: 'CNY',
    accepted_currencies: ['CNY', 'HKD', 'USD'],
    starts_at: startsAt,
    ends_at: endsAt,
    cost_unit_amount: null,
    cost_unit_label: null,
    cover_image_url: null,
    mission_id: missionId,
    hold_messages: false,
  };
}

describe('a round’s report, on the donor’s account, the round’s page and its mission’s page', () => {
  let t: TestContext;
  const donors = { ana: 0, bo: 0, cy: 0, dee: 0 };

  /** The account page as the donor sees it, signed in, in `locale`. */
  async function accountOf(donorId: number, locale: Locale): Promise<string> {
    const token = await startDonorSession(t.database.db, donorId, 'jest');
    const res = await request(t.app).get(`/account?lang=${locale}`).set('Cookie', `sf_donor=${token}`).expect(200);
    expect(res.text).toContain('action="/account/sign-out"');
    return res.text;
  }

  async function seedMission(db: Db) {
    const mission = await db.transaction().execute((trx) =>
      insertMission(trx, {
        slug: 'bright-smile',
        title: { en: 'Bright Smile', 'zh-CN': '灿烂笑容', 'zh-HK': '燦爛笑容' },
        summary: { en: 'Cleft surgery for children, twice a year.', 'zh-CN': '每年两次为儿童进行唇腭裂手术。', 'zh-HK': '每年兩次為兒童進行唇顎裂手術。' },
        currency: 'CNY',
      }),
    );
    const hk = (iso: string) => new Date(`${iso}+08:00`);
    const inMarch = await insertCampaign(
      db,
      aRound(mission.id, march, { en: 'Bright Smile: March 2026 mission', 'zh-CN': '灿烂笑容：2026年3月医疗队', 'zh-HK': '燦爛笑容：2026年3月醫療隊' }, hk('2025-12-01T00:00:00'), hk('2026-03-31T23:59:59')),
    );
    const inNovember = await insertCampaign(
      db,
      aRound(mission.id, november, { en: 'Bright Smile: November 2025 mission', 'zh-CN': '灿烂笑容：2025年11月医疗队', 'zh-HK': '燦爛笑容：2025年11月醫療隊' }, hk('2025-06-01T00:00:00'), hk('2025-11-30T23:59:59')),
    );
    return { march: inMarch, november: inNovember };
  }

  beforeAll(async () => {
    t = await startTestContext();
    const { db } = t.database;
    const rounds = await seedMission(db);
    donors.ana = await aDonorRow(db, 'ana@example.com', 'Ana');
    donors.bo = await aDonorRow(db, 'bo@example.com', 'Bo');
    donors.cy = await aDonorRow(db, 'cy@example.com', 'Cy');
    donors.dee = await aDonorRow(db, 'dee@example.com', 'Dee');
    const inFebruary = new Date(testNow.getTime() - 120 * dayMs);
    // The account settles in HKD: Stripe recorded CNY→HKD at 1.08, which brings Cy's HK$2,160.00 back to CN¥2,000.00.
    await aPaidGift(db, { campaignId: rounds.march.id, donorId: donors.ana, amount: 100_000, currency: 'CNY', settlement: { amount: 108_000, currency: 'HKD', rate: '1.08' }, occurredAt: inFebruary });
    await aPaidGift(db, { campaignId: rounds.march.id, donorId: donors.bo, amount: 500_000, currency: 'CNY', settlement: { amount: 540_000, currency: 'HKD', rate: '1.08' }, occurredAt: new Date(inFebruary.getTime() + dayMs) });
    await aPaidGift(db, { campaignId: rounds.march.id, donorId: donors.cy, amount: 216_000, currency: 'HKD', occurredAt: new Date(inFebruary.getTime() + 2 * dayMs) });
    // Dee gave to the November round only, which has not reported.
    await aPaidGift(db, { campaignId: rounds.november.id, donorId: donors.dee, amount: 30_000, currency: 'CNY', settlement: { amount: 32_400, currency: 'HKD', rate: '1.08' }, occurredAt: new Date(testNow.getTime() - 220 * dayMs) });

    const manager = await aStaffMember(db, ['campaign_manager']);
    const outcomes = [
      { kind: 'cleft_lip_repair' as const, label: null, count: 10, note: '' },
      { kind: 'cleft_palate_repair' as const, label: null, count: 5, note: '' },
      { kind: 'other_operation' as const, label: 'Alveolar bone graft <graft>', count: 1, note: '' },
      { kind: 'speech_therapy_session' as const, label: null, count: 40, note: '' },
    ];
    for (const outcome of outcomes) await recordOutcome(db, rounds.march, outcome, manager.id, testNow);
    // Both pages are kept in the campaign cache before the report: publishing it must make them forget.
    for (const path of [`/campaigns/${march}`, `/campaigns/${march}?lang=zh-HK`, '/missions/bright-smile']) expect((await request(t.app).get(path).expect(200)).text).not.toContain('data-round-report');
    const published = await publishRoundReport(db, (await findRoundBySlug(db, march))!, manager.id, testNow, 'en');
    expect(published).toMatchObject({ ok: true, report: { currency: 'CNY', income: 800_000, givers: 3, children_operated: 16, speech_therapy_sessions: 40 } });

    // Bo also gave to a round of a mission that counts in HKD, which reported the day before.
    const camps = await db.transaction().execute((trx) => insertMission(trx, { slug: 'speech-camps', title: { en: 'Speech camps', 'zh-CN': '言语训练营' }, summary: { en: 'Summer camps for speaking after surgery.' }, currency: 'HKD' }));
    const april = await insertCampaign(db, { ...aRound(camps.id, 'speech-camps-2026-04', { en: 'Speech camps: April 2026', 'zh-CN': '言语训练营：2026年4月' }, new Date('2026-01-01T00:00:00+08:00'), new Date('2026-04-30T23:59:59+08:00')), target_currency: 'HKD' });
    await aPaidGift(db, { campaignId: april.id, donorId: donors.bo, amount: 50_000, currency: 'HKD', occurredAt: inFebruary });
    await recordOutcome(db, april, { kind: 'speech_therapy_session', label: null, count: 12, note: '' }, manager.id, testNow);
    expect(await publishRoundReport(db, (await findRoundBySlug(db, april.slug))!, manager.id, new Date(testNow.getTime() - dayMs), 'en')).toMatchObject({ ok: true });
  });
  afterAll(() => t.close());

  describe('the donor’s account', () => {
    it('tells each donor what their own gifts were of the round and of what it did, with the rule behind it', async () => {
      const html = await accountOf(donors.ana, 'en');
      const shares = section(html, 'round-shares');
      expect(shares).toContain('<h2 id="round-shares-heading">What your gifts achieved</h2>');
      expect(shares).toContain('When a round closes and reports, this is what your own gifts to it did.');
      // CN¥1,000 of CN¥8,000: an eighth of the money, so two of the 16 children and five of the 40 sessions.
      expect(roundShares(html)).toEqual([
        {
          slug: march,
          sentences: [
            'Your CN¥1,000.00 was 12.50% of what Bright Smile: March 2026 mission raised (CN¥8,000.00).',
            'The round operated on 16 children, so your gifts paid for about 2 operations.',
            'It also gave 40 speech-therapy sessions; your share is about 5 sessions.',
          ],
        },
      ]);
      expect(shares).toContain(`<a href="/campaigns/${march}">Bright Smile: March 2026 mission</a>`);
      expect(shares).toContain('A round of <a href="/missions/bright-smile">Bright Smile</a>');
      // Published at 10:00 in Hong Kong on 10 June 2026.
      expect(shares).toContain('Reported on Jun 10, 2026');
      expect(shares).toMatch(/<details class="share-rule">\s*<summary>How your share is counted<\/summary>\s*<p>How we count: each currency the round was given in is counted in CNY once/);
      // Its heading is its own: the campaign page's sharing box keeps its own.
      expect(translate('en', 'share.heading')).toBe('Share this campaign');
    });

    it('counts a gift in another currency as the round counted it', async () => {
      expect(roundShares(await accountOf(donors.cy, 'en'))[0]!.sentences).toEqual([
        'Your HK$2,160.00, counted as CN¥2,000.00, was 25.00% of what Bright Smile: March 2026 mission raised (CN¥8,000.00).',
        'The round operated on 16 children, so your gifts paid for about 4 operations.',
        'It also gave 40 speech-therapy sessions; your share is about 10 sessions.',
      ]);
    });

    it('lists every round the donor gave to that reported, latest report first, and states the rule once for each currency the reports count in', async () => {
      const html = await accountOf(donors.bo, 'en');
      expect(roundShares(html)).toEqual([
        {
          slug: march,
          sentences: [
            'Your CN¥5,000.00 was 62.50% of what Bright Smile: March 2026 mission raised (CN¥8,000.00).',
            'The round operated on 16 children, so your gifts paid for about 10 operations.',
            'It also gave 40 speech-therapy sessions; your share is about 25 sessions.',
          ],
        },
        { slug: 'speech-camps-2026-04', sentences: ['Your HK$500.00 was 100.00% of what Speech camps: April 2026 raised (HK$500.00).', 'The round gave 12 speech-therapy sessions, so your gifts paid for about 12 sessions.'] },
      ]);
      expect(section(html, 'round-shares')).toContain('Reported on Jun 9, 2026');
      const rules = [...(/<details class="share-rule">([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '').matchAll(/<p>([^<]*)<\/p>/g)].map((m) => /counted in ([A-Z]{3}) once/.exec(m[1]!)?.[1]);
      expect(rules).toEqual(['CNY', 'HKD']);
    });

    it('reads in Simplified Chinese', async () => {
      const html = await accountOf(donors.ana, 'zh-CN');
      expect(section(html, 'round-shares')).toContain('<h2 id="round-shares-heading">您的捐款成就了什么</h2>');
      expect(roundShares(html)).toEqual([
        {
          slug: march,
          sentences: ['您的¥1,000.00占灿烂笑容：2026年3月医疗队所筹善款（¥8,000.00）的12.50%。', '本轮共为16名儿童完成手术，您的捐款约相当于2台手术。', '本轮还提供了40次言语治疗，您的份额约为5次治疗。'],
        },
      ]);
      expect(section(html, 'round-shares')).toContain('<summary>您的份额如何计算</summary>');
      expect(section(html, 'round-shares')).toContain('报告发布于2026年6月10日');
      expect(foreignSentences(html, 'zh-CN')).toEqual([]);
    });

    it('reads in Traditional Chinese as Hong Kong writes it', async () => {
      const html = await accountOf(donors.cy, 'zh-HK');
      expect(section(html, 'round-shares')).toContain('<h2 id="round-shares-heading">您的捐款成就了甚麼</h2>');
      expect(roundShares(html)).toEqual([
        {
          slug: march,
          sentences: ['您的HK$2,160.00（折合CN¥2,000.00）佔燦爛笑容：2026年3月醫療隊所籌善款（CN¥8,000.00）的25.00%。', '本輪共為16名兒童完成手術，您的捐款約相當於4次手術。', '本輪亦提供了40節言語治療，您的份額約為10節治療。'],
        },
      ]);
      expect(section(html, 'round-shares')).toContain('<summary>您的份額如何計算</summary>');
      expect(foreignSentences(html, 'zh-HK')).toEqual([]);
    });

    it('shows nothing of it to a donor who gave nothing to a round that reported', async () => {
      const html = await accountOf(donors.dee, 'en');
      expect(html).toContain('Signed in as dee@example.com');
      expect(html).not.toContain('id="round-shares"');
      expect(html).not.toContain('data-round-share');
      expect(html).not.toContain('What your gifts achieved');
    });
  });

  describe('the round’s page', () => {
    it('says what the round raised, from how many donors, and what it did, and sends a donor to their share', async () => {
      const res = await request(t.app).get(`/campaigns/${march}`).expect(200);
      const block = reportBlock(res.text);
      expect(block).toContain('<h2 id="round-report-heading">What this round achieved</h2>');
      expect(block).toContain('Reported on <time datetime="2026-06-10T02:00:00.000Z">Jun 10, 2026</time>.');
      expect(dataTexts(block, 'report-raised')).toEqual(['CN¥8,000 raised from 3 donors']);
      expect(dataTexts(block, 'report-children')).toEqual(['16 children operated on']);
      expect(dataTexts(block, 'report-sessions')).toEqual(['40 speech-therapy sessions']);
      // The procedure the manager named is shown as typed, escaped.
      expect(dataTexts(block, 'report-procedure')).toEqual(['Cleft lip repair 10', 'Cleft palate repair 5', 'Alveolar bone graft <graft> 1']);
      expect(block).toContain('Alveolar bone graft &lt;graft&gt;');
      expect(block).toContain('Gave to this round? <a href="/account">Sign in to see your share</a>');
    });

    it('reads in Simplified and in Traditional Chinese', async () => {
      const cn = await request(t.app).get(`/campaigns/${march}?lang=zh-CN`).expect(200);
      const cnBlock = reportBlock(cn.text);
      expect(cnBlock).toContain('<h2 id="round-report-heading">本期成果</h2>');
      expect(cnBlock).toContain('报告发布于<time datetime="2026-06-10T02:00:00.000Z">2026年6月10日</time>。');
      expect(dataTexts(cnBlock, 'report-raised')).toEqual(['¥8,000 筹得善款，来自 3 位捐款人']);
      expect(dataTexts(cnBlock, 'report-children')).toEqual(['16 名儿童接受了手术']);
      expect(dataTexts(cnBlock, 'report-sessions')).toEqual(['40 次言语治疗']);
      expect(dataTexts(cnBlock, 'report-procedure')).toEqual(['唇裂修复 10', '腭裂修复 5', 'Alveolar bone graft <graft> 1']);
      expect(cnBlock).toContain('您曾捐款给这一期？<a href="/account">登录查看您的一份</a>');
      expect(foreignSentences(cn.text, 'zh-CN')).toEqual([]);

      const hk = await request(t.app).get(`/campaigns/${march}?lang=zh-HK`).expect(200);
      const hkBlock = reportBlock(hk.text);
      expect(hkBlock).toContain('<h2 id="round-report-heading">本期成果</h2>');
      expect(dataTexts(hkBlock, 'report-raised')).toEqual(['CN¥8,000 籌得善款，來自 3 位捐款人']);
      expect(dataTexts(hkBlock, 'report-children')).toEqual(['16 名兒童接受了手術']);
      expect(dataTexts(hkBlock, 'report-sessions')).toEqual(['40 節言語治療']);
      expect(dataTexts(hkBlock, 'report-procedure')).toEqual(['唇裂修補 10', '顎裂修補 5', 'Alveolar bone graft <graft> 1']);
      expect(hkBlock).toContain('曾捐款予這一期？<a href="/account">登入查看你的一份</a>');
      expect(foreignSentences(hk.text, 'zh-HK')).toEqual([]);
    });

    it('says nothing of a report on a round that has not reported', async () => {
      const res = await request(t.app).get(`/campaigns/${november}`).expect(200);
      expect(res.text).not.toContain('round-report');
      expect(res.text).not.toContain('What this round achieved');
    });
  });

  describe('the mission’s page', () => {
    it('says what a reported round did beside its totals, and nothing for one that has not reported', async () => {
      const res = await request(t.app).get('/missions/bright-smile').expect(200);
      const cards = [...res.text.matchAll(/<li class="round-card" data-round="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => ({ slug: m[1]!, reported: dataTexts(m[2]!, 'round-reported') }));
      expect(cards).toEqual([
        { slug: march, reported: ['Reported: 16 children operated, 40 speech-therapy sessions'] },
        { slug: november, reported: [] },
      ]);
      const cn = await request(t.app).get('/missions/bright-smile?lang=zh-CN').expect(200);
      expect(dataTexts(cn.text, 'round-reported')).toEqual(['已发布报告：16 名儿童接受手术、40 次言语治疗']);
      const hk = await request(t.app).get('/missions/bright-smile?lang=zh-HK').expect(200);
      expect(dataTexts(hk.text, 'round-reported')).toEqual(['已發布報告：16 名兒童接受手術、40 節言語治療']);
      expect(foreignSentences(hk.text, 'zh-HK')).toEqual([]);
    });
  });
});
