// A round's report to its donors as staff meet it: the campaign manager publishes it from the round's
// outcomes page (refused while the round takes gifts, or before its outcomes are recorded, and refused a
// second time), finance reads it on the round's statement, checks that its shares add up to its income and
// downloads them as CSV; every page speaks English, Simplified Chinese and Traditional Chinese as Hong Kong
// writes it. The rounds are this file's own mission's, so whatever the demo seed publishes is no matter.
import request from 'supertest';
import { statementPageView } from '../../server/finance/rounds/round.view';
import { sharePercent } from '../../server/finance/rounds/shares-export';
import { messages, translate } from '../../server/i18n/messages';
import type { Locale } from '../../server/locale';
import { formatMoney } from '../../server/money';
import { findRoundReport } from '../../server/campaigns/round.repository';
import { findReportWithPublisher, listShares } from '../../server/missions/rounds/report.repository';
import { findRoundBySlug, listSisterRounds } from '../../server/missions/rounds/rounds.repository';
import { shareRule } from '../../server/missions/rounds/share.view';
import { roundStatement } from '../../server/missions/rounds/statement';
import { foreignSentences } from '../support/catalog-leaks';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities } from '../support/html';
import { aDonorRow, aLedgerEntry, aPaidGift } from '../support/ledger-rows';
import { aStaffMember, downloadText, signInAs, type StaffAgent } from '../support/staff';
import { csvRows, minorUnits } from '../support/csv';

const closed = 'report-test-march';
const open = 'report-test-june';
const outcomesOf = (slug: string) => `/staff/campaigns/${slug}/outcomes`;
const publishOf = (slug: string) => `/staff/campaigns/${slug}/report`;
const statementOf = (slug: string) => `/staff/finance/rounds/${slug}`;


/** The text of the element carrying `data-NAME`, tags dropped and entities decoded; undefined when none. */
function dataText(html: string, name: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\sdata-${name}(?:="[^"]*")?[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match ? decodeEntities(match[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) : undefined;
}

/** The page's report section, as HTML. */
const reportSection = (html: string) => /<section id="report"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

describe('a round’s report to its donors, in the staff area', () => {
  let t: TestContext;
  let manager: StaffAgent;
  let finance: StaffAgent;
  let managerId: number;
  let closedId: number;

  const count = async (table: 'round_reports' | 'round_report_shares' | 'audit_log' | 'outbox') => Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const written = () => Promise.all([count('round_reports'), count('round_report_shares'), count('audit_log'), count('outbox')]);

  beforeAll(async () => {
    t = await startTestContext();
    const { db } = t.database;
    const mission = await db
      .insertInto('missions')
      .values({ slug: 'report-test', title: { en: 'Report test', 'zh-CN': '报告测试', 'zh-HK': '報告測試' }, summary: { en: 'Rounds for this file.' }, currency: 'CNY' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const round = (slug: string, month: string, rest: { status: 'live' | 'closed'; starts_at: Date; ends_at: Date; closed_at: Date | null }) => ({
      slug,
      mission_id: mission.id,
      title: { en: `Report test: ${month}`, 'zh-CN': `报告测试：${month}`, 'zh-HK': `報告測試：${month}` },
      summary: { en: 'A round of the report test.' },
      story: { en: 'A round of the report test.' },
      target_amount: 1_000_000,
      target_currency: 'CNY',
      accepted_currencies: ['CNY', 'HKD', 'USD'],
      ...rest,
    });
    // March closed long before "now" (10 June 2026, Hong Kong); June takes gifts until the end of July.
    const marchEnds = new Date('2026-03-31T15:59:59Z');
    const [march] = await db
      .insertInto('campaigns')
      .values([
        round(closed, 'March', { status: 'closed', starts_at: new Date('2026-02-28T16:00:00Z'), ends_at: marchEnds, closed_at: marchEnds }),
        round(open, 'June', { status: 'live', starts_at: new Date('2026-05-31T16:00:00Z'), ends_at: new Date('2026-07-31T15:59:59Z'), closed_at: null }),
      ])
      .returning('id')
      .execute();
    closedId = march!.id;

    const ana = await aDonorRow(db, 'ana@example.com', 'Ana Li');
    const bo = await aDonorRow(db, 'bo@example.com');
    // Ana agreed to news; Bo was never asked.
    await db.insertInto('donor_consents').values({ donor_id: ana, purpose: 'updates', granted: true, wording: 'Send me news', locale: 'en', source: 'account', chosen_at: new Date('2026-02-01T00:00:00Z') }).execute();
    const inMarch = (day: number) => new Date(`2026-03-${String(day).padStart(2, '0')}T04:00:00Z`);
    // The account settles in HKD. Ana: CN¥1,000.00 (counted as given) and US$100.00 settled as HK$780.00;
    // Bo: HK$500.00; a gift without an email: CN¥333.33. Stripe recorded CNY→HKD at 1.08, so HK$500.00 is
    // CN¥462.96 and HK$780.00 is CN¥722.22: CN¥2,518.51 in all.
    await aPaidGift(db, { campaignId: closedId, donorId: ana, amount: 100_000, currency: 'CNY', settlement: { amount: 108_000, currency: 'HKD', rate: '1.08' }, occurredAt: inMarch(3) });
    await aPaidGift(db, { campaignId: closedId, donorId: bo, amount: 50_000, currency: 'HKD', occurredAt: inMarch(5) });
    await aPaidGift(db, { campaignId: closedId, donorId: ana, amount: 10_000, currency: 'USD', settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' }, occurredAt: inMarch(9) });
    await aPaidGift(db, { campaignId: closedId, donorId: null, amount: 33_333, currency: 'CNY', occurredAt: inMarch(20) });

    const member = await aStaffMember(db, ['campaign_manager'], { name: 'Carl Manager' });
    managerId = member.id;
    manager = await signInAs(t.app, member.email);
    finance = await signInAs(t.app, (await aStaffMember(db, ['finance'], { name: 'Fiona Finance' })).email);
  });
  afterAll(() => t.close());

  describe('before it is published', () => {
    it('is refused while the round takes gifts, the reason shown in the report section, and nothing is written', async () => {
      const page = (await manager.agent.get(outcomesOf(open)).expect(200)).text;
      const section = reportSection(page);
      expect(dataText(section, 'report-not-yet')).toBe(messages.en['rounds.report.error.open']);
      expect(section).not.toContain(`action="${publishOf(open)}`);

      const before = await written();
      const refused = await manager.post(publishOf(open)).expect(422);
      expect(dataText(reportSection(refused.text), 'report-problem')).toBe(messages.en['rounds.report.error.open']);
      expect(await written()).toEqual(before);
    });

    it('is refused for a closed round whose outcomes are not recorded yet, and for finance, and for no round', async () => {
      const page = (await manager.agent.get(outcomesOf(closed)).expect(200)).text;
      const section = reportSection(page);
      expect(decodeEntities(section)).toContain(messages.en['rounds.report.explain']);
      expect(dataText(section, 'report-rule')).toBe(shareRule('CNY', 'en'));
      expect(section).toContain(`action="${publishOf(closed)}#report"`);
      expect(section).toContain('name="_csrf"');

      const before = await written();
      const refused = await manager.post(publishOf(closed)).expect(422);
      expect(dataText(reportSection(refused.text), 'report-problem')).toBe(messages.en['rounds.report.error.noOutcomes']);
      await finance.post(publishOf(closed)).expect(403);
      await manager.post(publishOf('no-such-round')).expect(404);
      // Without the form's token a publication is not even read.
      await manager.agent.post(publishOf(closed)).type('form').send({}).expect(403);
      await request(t.app).post(publishOf(closed)).expect(403);
      expect(await written()).toEqual(before);
      expect(await findRoundReport(t.database.db, closedId)).toBeUndefined();
    });
  });

  describe('published', () => {
    it('freezes the income, divides it among the givers to the minor unit, owes one email and is audited', async () => {
      const { db } = t.database;
      await manager.post(outcomesOf(closed), { kind: 'cleft_lip_repair', count: '3' }).expect(303);
      await manager.post(outcomesOf(closed), { kind: 'speech_therapy_session', count: '8' }).expect(303);

      const published = await manager.post(publishOf(closed)).expect(303);
      expect(published.headers.location).toBe(`${outcomesOf(closed)}?done=published#report`);

      const report = (await findRoundReport(db, closedId))!;
      expect(report).toMatchObject({ currency: 'CNY', income: 251_851, givers: 3, children_operated: 3, speech_therapy_sessions: 8, published_by: managerId });
      const shares = await listShares(db, closedId);
      expect(shares.map((share) => [share.email, share.currency, share.given, share.counted])).toEqual([
        ['ana@example.com', 'CNY', 100_000, 100_000],
        ['bo@example.com', 'HKD', 50_000, 46_296],
        ['ana@example.com', 'USD', 10_000, 72_222],
        [null, 'CNY', 33_333, 33_333],
      ]);
      expect(shares.reduce((sum, share) => sum + share.counted, 0)).toBe(report.income);

      const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'round.report_published').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ staff_id: managerId, subject_type: 'campaign', subject_id: String(closedId) });
      const emails = await db.selectFrom('outbox').select(['topic', 'dedupe_key']).where('topic', '=', 'round_report').execute();
      expect(emails).toHaveLength(1);
      expect(emails[0]!.dedupe_key).toMatch(new RegExp(`^round-report-${closedId}-\\d+$`));

      // The page says so, and what was published: when (in Hong Kong), by whom, how much, for how many.
      const page = (await manager.agent.get(published.headers.location!).expect(200)).text;
      const section = reportSection(page);
      expect(decodeEntities(section)).toContain(messages.en['rounds.report.notice']);
      expect(dataText(section, 'report-by')).toBe('Carl Manager');
      expect(dataText(section, 'report-income')).toBe('CN¥2,518.51');
      expect(dataText(section, 'report-givers')).toBe('3');
      expect(dataText(section, 'report-outcomes')).toBe('3 children operated, 8 speech-therapy sessions');
      expect(dataText(section, 'report-emails')).toMatch(/^1 owed, [01] sent so far$/);
      expect(decodeEntities(section)).toMatch(/Jun 10, 2026, 10:\d\d/);
      expect(section).not.toContain(`action="${publishOf(closed)}`);
    });

    it('is refused a second time, and what was published stands', async () => {
      const before = await written();
      const again = await manager.post(publishOf(closed)).expect(409);
      expect(dataText(reportSection(again.text), 'report-problem')).toBe(messages.en['rounds.report.error.published']);
      expect(await written()).toEqual(before);
    });

    it('takes no offline money after it reported, new or moved in by a correction, and says why beside the campaign', async () => {
      const { db } = t.database;
      const cheque = (campaign: string) => ({
        donor_type: 'enterprise', donor_name: 'Late Cheque Ltd', donor_email: '', amount: '500', currency: 'CNY', credited_amount: '', credited_currency: '',
        method: 'cheque', reference: 'LATE-1', received_on: '2026-06-01', campaign, locale: 'en',
      });
      const refused = await finance.post('/staff/finance/offline-gifts?lang=en', cheque(closed)).expect(422);
      expect(decodeEntities(refused.text)).toContain(messages.en['finance.offline.error.reported']);
      const recorded = await finance.post('/staff/finance/offline-gifts?lang=en', cheque(open)).expect(303);
      const id = /([0-9a-f-]{36})/.exec(String(recorded.headers.location))![1]!;
      const movedIn = await finance.post(`/staff/finance/gifts/${id}/correction?lang=en`, { ...cheque(closed), reason: 'It was for March.' }).expect(422);
      expect(decodeEntities(movedIn.text)).toContain(messages.en['finance.offline.error.reported']);
      const march = await db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('campaign_id', '=', closedId).executeTakeFirstOrThrow();
      expect(Number(march.n)).toBe(4);
    });
  });

  describe('on finance’s statement', () => {
    const locales: Locale[] = ['en', 'zh-CN', 'zh-HK'];
    for (const locale of locales) {
      it(`shows the report, that its shares add up to its income, and the rule, in ${locale}`, async () => {
        const said = (key: Parameters<typeof translate>[1], values?: Record<string, string | number>) => translate(locale, key, values);
        const html = (await finance.agent.get(`${statementOf(closed)}?lang=${locale}`).expect(200)).text;
        expect(/<html lang="([^"]+)">/.exec(html)?.[1]).toBe(locale);
        expect(foreignSentences(html, locale)).toEqual([]);
        const section = reportSection(html);
        expect(dataText(section, 'report-income')).toBe(formatMoney({ amount: 251_851, currency: 'CNY' }, locale));
        expect(dataText(section, 'report-givers')).toBe('3');
        expect(dataText(section, 'report-by')).toBe('Carl Manager');
        expect(dataText(section, 'report-check')).toBe(said('rounds.report.check', { n: 4, total: formatMoney({ amount: 251_851, currency: 'CNY' }, locale) }));
        expect(section).not.toContain('data-report-mismatch');
        expect(dataText(section, 'report-rule')).toBe(shareRule('CNY', locale));
        expect(section).toContain(`href="${statementOf(closed)}/shares.csv"`);

        // The round that has not reported says so, and offers no file.
        const openSection = reportSection((await finance.agent.get(`${statementOf(open)}?lang=${locale}`).expect(200)).text);
        expect(dataText(openSection, 'report-not-yet')).toBe(said('rounds.report.notYet'));
        expect(openSection).not.toContain('shares.csv');

        // And the campaign manager's page, published or not.
        for (const slug of [closed, open]) {
          const page = (await manager.agent.get(`${outcomesOf(slug)}?lang=${locale}`).expect(200)).text;
          expect({ slug, foreign: foreignSentences(page, locale) }).toEqual({ slug, foreign: [] });
          expect(decodeEntities(page)).toContain(said('rounds.report.heading'));
        }
      });
    }

    it('writes Traditional Chinese as Hong Kong does', async () => {
      const page = decodeEntities((await finance.agent.get(`${statementOf(closed)}?lang=zh-HK`).expect(200)).text);
      expect(page).toContain('向捐款人報告');
      const outcomes = decodeEntities((await manager.agent.get(`${outcomesOf(closed)}?lang=zh-HK`).expect(200)).text);
      expect(outcomes).toContain('發給同意接收消息的捐款人的電郵');
    });

    it('warns, instead of the check, when the shares ever differ from the income', async () => {
      const { db } = t.database;
      const round = (await findRoundBySlug(db, closed))!;
      const report = (await findReportWithPublisher(db, closedId))!;
      const shares = await listShares(db, closedId);
      const view = statementPageView(
        { round, statement: await roundStatement(db, closedId), sisters: await listSisterRounds(db, round), now: testNow, today: '2026-06-10', report: { report, shares: shares.slice(1) } },
        'en',
      );
      expect(view.report.published?.check).toBeUndefined();
      expect(view.report.published?.mismatch).toBe(translate('en', 'rounds.report.checkFailed', { n: 3, total: 'CN¥1,518.51', income: 'CN¥2,518.51' }));
    });
  });

  describe('the shares as CSV', () => {
    it('names each giver, and its counted column adds up to the income reported', async () => {
      // In the language of the one who downloads it: the pages above left Traditional Chinese chosen.
      const csv = await downloadText(finance, `${statementOf(closed)}/shares.csv?lang=en`);
      expect(csv.startsWith('\uFEFF')).toBe(true);
      const [header, ...lines] = csvRows(csv);
      expect(header).toEqual(['giver', 'email', 'currency_given', 'given', 'counted', 'report_currency', 'share_percent', 'first_gift_at (Asia/Hong_Kong)']);
      expect(lines).toEqual([
        ['Ana Li', 'ana@example.com', 'CNY', '1000.00', '1000.00', 'CNY', '39.71', '2026-03-03 12:00:00'],
        ['bo@example.com', 'bo@example.com', 'HKD', '500.00', '462.96', 'CNY', '18.38', '2026-03-05 12:00:00'],
        ['Ana Li', 'ana@example.com', 'USD', '100.00', '722.22', 'CNY', '28.68', '2026-03-09 12:00:00'],
        ['Gift without an email', '', 'CNY', '333.33', '333.33', 'CNY', '13.24', '2026-03-20 12:00:00'],
      ]);
      const counted = header!.indexOf('counted');
      expect(lines.reduce((sum, line) => sum + minorUnits(line[counted]!, 'CNY'), 0)).toBe(251_851);
      const inHongKong = csvRows(await downloadText(finance, `${statementOf(closed)}/shares.csv?lang=zh-HK`));
      expect(inHongKong.map((line) => line[0])).toEqual(['giver', 'Ana Li', 'bo@example.com', 'Ana Li', '沒有留下電郵的捐款']);

      const res = await finance.agent.get(`${statementOf(closed)}/shares.csv`).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="round-${closed}-shares-2026-06-10.csv"`);
    });

    it('is finance’s only, and there is none for a round that has not reported', async () => {
      await manager.agent.get(`${statementOf(closed)}/shares.csv`).expect(403);
      const none = await finance.agent.get(`${statementOf(open)}/shares.csv?lang=en`).expect(404);
      expect(decodeEntities(none.text)).toContain(messages.en['rounds.report.none']);
      await finance.agent.get(`${statementOf('no-such-round')}/shares.csv`).expect(404);
    });

    it('writes a share in percent with two decimals, exactly', () => {
      expect(sharePercent(100_000, 251_851)).toBe('39.71');
      expect(sharePercent(1, 1_000_000)).toBe('0.00');
      expect(sharePercent(251_851, 251_851)).toBe('100.00');
      expect(sharePercent(-5_000, 10_000)).toBe('-50.00');
    });

    it('says what moved the round’s income after the report, which stands as published', async () => {
      const { db } = t.database;
      const statement = async () => reportSection((await finance.agent.get(`${statementOf(closed)}?lang=en`).expect(200)).text);
      expect(await statement()).not.toContain('data-report-changed');
      // A dispute Bo's bank opened after the report, and lost: HK$500.00 out of the round.
      const bo = await db.selectFrom('donations').selectAll().where('campaign_id', '=', closedId).where('currency', '=', 'HKD').executeTakeFirstOrThrow();
      await aLedgerEntry(db, bo, { kind: 'dispute', amount: -50_000 });
      const section = await statement();
      expect(dataText(section, 'report-changed')).toBe(translate('en', 'rounds.report.changedSince', { amounts: formatMoney({ amount: -50_000, currency: 'HKD' }, 'en') }));
      expect(dataText(section, 'report-income')).toBe(formatMoney({ amount: 251_851, currency: 'CNY' }, 'en'));
    });
  });
});
