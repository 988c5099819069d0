// A round from opening to report (issue #17): donors give to the open Happy Smile round in yuan, Hong Kong
// dollars and US dollars on the form, some ticking the news box; finance records a cash gift with no email,
// refunds one gift in full and part of another, and records the round's spending; the campaign manager
// closes the round and records what it achieved; the report is published. Then the shares of all donors
// add up to the round's income, to the fen, as the round's total counts it; each donor's share is what they
// gave net of refunds; and the report's email reaches exactly the donors who agreed to news, each in their
// language with a one-click way to stop, and nobody else, once.
import type { ParsedMail } from 'mailparser';
import { demoRounds } from '../../dev/seed';
import { dayIn } from '../../server/calendar';
import { combinedTotals } from '../../server/campaigns/totals';
import { messages } from '../../server/i18n/messages';
import { unsubscribeUrl } from '../../server/impact/send';
import { publishRoundReport } from '../../server/missions/rounds/report';
import { findRoundBySlug } from '../../server/missions/rounds/rounds.repository';
import { allocateInProportion, convertAtRate, formatMoney } from '../../server/money';
import { hundredthsOfPercent } from '../../server/missions/rounds/shares';
import { testNow } from '../support/clock';
import { decodeEntities } from '../support/html';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';
import { waitUntil } from '../support/wait';

const round = demoRounds(testNow).open;

/** A header as the message carried it, folded lines joined. */
function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((line) => line.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
}

const addressOf = (mail: ParsedMail) => [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()))[0];

/** Every field a form on `html` (the first whose action is `action`) would send as it stands: what a browser posts unchanged. */
function formFields(html: string, action: string): Array<[string, string]> {
  const form = new RegExp(`<form[^>]*action="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
  if (!form) throw new Error(`no form posting to ${action}`);
  const fields: Array<[string, string]> = [];
  const attribute = (tag: string, name: string) => {
    const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    return value === undefined ? undefined : decodeEntities(value);
  };
  for (const [tag, kind, body] of form.matchAll(/<(input|textarea|select)\b[^>]*>(?:([\s\S]*?)<\/\1>)?/g) as Iterable<[string, string, string | undefined]>) {
    const opening = /^<[^>]*>/.exec(tag)![0];
    const name = attribute(opening, 'name');
    if (!name) continue;
    if (kind === 'input') {
      const type = attribute(opening, 'type') ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && !/\schecked[\s>]/.test(opening)) continue;
      fields.push([name, attribute(opening, 'value') ?? (type === 'checkbox' ? 'on' : '')]);
    } else if (kind === 'textarea') fields.push([name, decodeEntities(body ?? '')]);
    else {
      const options = [...(body ?? '').matchAll(/<option\b([^>]*)>/g)].map((m) => m[1]!);
      const chosen = options.find((o) => /\sselected[\s>]|\sselected$/.test(o)) ?? options[0];
      if (chosen !== undefined) fields.push([name, attribute(` ${chosen}`, 'value') ?? '']);
    }
  }
  return fields;
}

/** Fields as supertest's form encoding takes them: a name given more than once becomes a list. */
function asForm(fields: Array<[string, string]>): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of fields) {
    const before = form[name];
    form[name] = before === undefined ? value : [before, value].flat();
  }
  return form;
}

interface Giver {
  email: string;
  name: string;
  locale: 'en' | 'zh-CN' | 'zh-HK';
  news: boolean;
}

const wang: Giver = { email: 'wang.fang@example.com', name: '王芳', locale: 'zh-CN', news: true };
const chan: Giver = { email: 'chan.siuming@example.com', name: '陳小明', locale: 'zh-HK', news: true };
const lee: Giver = { email: 'lee.kayan@example.com', name: 'Lee Ka Yan', locale: 'en', news: false };
const sarah: Giver = { email: 'sarah.wong@example.com', name: 'Sarah Wong', locale: 'en', news: true };
const mei: Giver = { email: 'mei.ling@example.com', name: '美玲', locale: 'zh-HK', news: false };
const tom: Giver = { email: 'tom.baker@example.com', name: 'Tom Baker', locale: 'en', news: true };

describe('a round from opening to its report', () => {
  let h: GivingHarness;
  let finance: StaffAgent;
  let manager: StaffAgent;
  let managerId: number;
  const donation: Record<string, string> = {};

  beforeAll(async () => {
    h = await startGivingHarness();
    const db = h.database.db;
    finance = await signInAs(h.url, (await aStaffMember(db, ['finance'])).email);
    const managerRow = await aStaffMember(db, ['campaign_manager']);
    managerId = managerRow.id;
    manager = await signInAs(h.url, managerRow.email);
  });
  afterAll(() => h?.stop());

  const db = () => h.database.db;
  const donorId = async (email: string) => (await db().selectFrom('donors').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const roundId = async () => (await findRoundBySlug(db(), round.slug))!.id;
  const reportMails = () => h.mail.messages.filter((mail) => String(mail.messageId).startsWith('<round-report-'));

  async function give(giver: Giver, amount: string, currency: string, key: string) {
    const { donation: started, sessionId } = await h.give(round.slug, aDonor({ amount, currency, email: giver.email, name: giver.name, locale: giver.locale, ...(giver.news ? { news: 'on' } : {}) }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    donation[key] = started.id;
  }

  async function refund(key: string, amount: string) {
    const page = await finance.agent.get(`/staff/finance/gifts/${donation[key]}`).expect(200);
    const attempt = /name="attempt" value="(\d+)"/.exec(page.text)![1]!;
    await finance.post(`/staff/finance/gifts/${donation[key]}/refunds`, { amount, reason: 'Asked by the donor', attempt }).expect(303);
  }

  it('divides the round’s income among its donors to the fen, and writes to exactly those who agreed to news', async () => {
    // Gifts on the round's form, in three currencies; yuan settle in Hong Kong dollars at the rate Stripe records.
    await give(wang, '1000', 'CNY', 'wang');
    await give(chan, '100', 'HKD', 'chan-hkd');
    await give(chan, '200', 'CNY', 'chan-cny');
    await give(lee, '100', 'HKD', 'lee');
    await give(sarah, '30', 'USD', 'sarah');
    await give(mei, '30', 'USD', 'mei');
    await give(tom, '140', 'USD', 'tom');
    await h.settle();

    // Cash from a church collection, recorded by finance with no address to write to.
    const today = dayIn(testNow, 'Asia/Hong_Kong');
    const offline = await finance
      .post('/staff/finance/offline-gifts', { donor_type: 'person', donor_name: 'St Andrew’s collection', donor_email: '', amount: '500', currency: 'CNY', method: 'cash', reference: 'COLLECTION-0610', received_on: today, campaign: round.slug, locale: 'en' })
      .expect(303);
    donation.offline = /([0-9a-f-]{36})/.exec(String(offline.headers.location))![1]!;

    // Tom's gift goes back in full, a third of Lee's in part; Stripe's webhooks are applied.
    await refund('tom', '140.00');
    await refund('lee', '33.33');
    await h.settle();
    expect((await h.donation(donation.tom!)).status).toBe('refunded');
    expect((await h.donation(donation.lee!)).status).toBe('partially_refunded');

    // Finance records what the round spent.
    for (const spent of [
      { category: 'surgeries', amount: '1500', currency: 'CNY', note: 'Theatre time' },
      { category: 'travel', amount: '200', currency: 'HKD', note: 'Trains for the team' },
    ]) {
      let req = finance.agent.post(`/staff/finance/rounds/${round.slug}/spending`).field('_csrf', finance.csrf);
      for (const [name, value] of Object.entries({ ...spent, spent_on: today })) req = req.field(name, value);
      await req.expect(303);
    }

    // While the round takes gifts, its report cannot be published.
    const open = await findRoundBySlug(db(), round.slug);
    expect(await publishRoundReport(db(), open!, managerId, testNow, 'en')).toEqual({ ok: false, status: 422, message: messages.en['rounds.report.error.open'] });

    // The campaign manager closes the round on its edit page, changing nothing else.
    const editPath = `/staff/campaigns/${round.slug}/edit`;
    const edit = await manager.agent.get(editPath).expect(200);
    const fields = formFields(edit.text, editPath).map(([name, value]): [string, string] => [name, name === 'status' ? 'closed' : value]);
    await manager.agent.post(editPath).type('form').send(asForm(fields)).expect(303);
    const closed = (await findRoundBySlug(db(), round.slug))!;
    expect(closed).toMatchObject({ status: 'closed', closed_at: expect.any(Date), mission_currency: 'CNY' });
    const publishedAt = new Date(closed.closed_at!.getTime() + 60_000);

    // Closed, but nothing achieved on record yet.
    expect(await publishRoundReport(db(), closed, managerId, publishedAt, 'en')).toEqual({ ok: false, status: 422, message: messages.en['rounds.report.error.noOutcomes'] });

    const outcomesPage = `/staff/campaigns/${round.slug}/outcomes`;
    for (const outcome of [
      { kind: 'cleft_lip_repair', count: '3' },
      { kind: 'cleft_palate_repair', count: '2' },
      { kind: 'speech_therapy_session', count: '12' },
    ]) {
      await manager.post(outcomesPage, outcome).expect(303);
    }

    const published = await publishRoundReport(db(), closed, managerId, publishedAt, 'en');
    expect(published).toMatchObject({ ok: true, emails: 3 });

    // The report: the round's income in yuan as its total counts it, its givers and outcomes, frozen.
    const id = await roundId();
    const totals = await combinedTotals(db(), [closed], 'CNY');
    expect(totals.unconverted).toEqual([]);
    const report = await db().selectFrom('round_reports').selectAll().where('campaign_id', '=', id).executeTakeFirstOrThrow();
    const shares = await db().selectFrom('round_report_shares').selectAll().where('campaign_id', '=', id).execute();
    expect(report).toMatchObject({ currency: 'CNY', children_operated: 5, speech_therapy_sessions: 12, published_by: managerId, published_at: publishedAt });
    expect(Number(report.income)).toBe(totals.raised.amount);
    expect(shares.reduce((sum, share) => sum + Number(share.counted), 0)).toBe(Number(report.income));

    // Worked out by hand from the rate Stripe recorded for the yuan (1 CNY buys 1.085 HKD): each currency
    // counted once, for the whole round, and divided by the stated rule.
    const rate = (await db().selectFrom('ledger_entries').select('exchange_rate').where('donation_id', '=', donation.wang!).where('kind', '=', 'gift').executeTakeFirstOrThrow()).exchange_rate!;
    expect(Number(rate)).toBe(1.085);
    const inYuan = (hkd: number) => convertAtRate({ amount: hkd, currency: 'HKD' }, 'CNY', rate, { inverse: true }).amount;
    // HK$166.67 is CN¥153.61 counted once; counted per donor (CN¥92.17 + CN¥61.45) it would be a fen more than the round raised.
    const hkdCounted = inYuan(10_000 + 6_667);
    expect(hkdCounted).toBe(15_361);
    expect(inYuan(10_000) + inYuan(6_667)).toBe(15_362);
    // Sarah's and Mei's US$30.00 each settled as HK$234.00 (US$1 buys HK$7.80); Tom's came back in full.
    const usdCounted = inYuan(2 * 23_400);
    expect(totals.raised.amount).toBe(100_000 + 20_000 + 50_000 + hkdCounted + usdCounted);
    const [chanHkd, leeHkd] = allocateInProportion(hkdCounted, [10_000, 6_667]);
    const [sarahUsd, meiUsd] = allocateInProportion(usdCounted, [3_000, 3_000]);

    const byWho = new Map(shares.map((share) => [`${share.who}/${share.currency}`, { donor: share.donor_id, given: Number(share.given), counted: Number(share.counted) }]));
    const [wangId, chanId, leeId, sarahId, meiId, tomId] = (await Promise.all([wang, chan, lee, sarah, mei, tom].map((giver) => donorId(giver.email)))) as [number, number, number, number, number, number];
    expect(Object.fromEntries(byWho)).toEqual({
      [`${wangId}/CNY`]: { donor: wangId, given: 100_000, counted: 100_000 },
      [`${chanId}/CNY`]: { donor: chanId, given: 20_000, counted: 20_000 },
      [`${chanId}/HKD`]: { donor: chanId, given: 10_000, counted: chanHkd },
      // HK$100.00 less the HK$33.33 refunded.
      [`${leeId}/HKD`]: { donor: leeId, given: 6_667, counted: leeHkd },
      [`${sarahId}/USD`]: { donor: sarahId, given: 3_000, counted: sarahUsd },
      [`${meiId}/USD`]: { donor: meiId, given: 3_000, counted: meiUsd },
      // The cash has no donor: its share is the gift's own.
      [`${donation.offline}/CNY`]: { donor: null, given: 50_000, counted: 50_000 },
    });
    // Tom's gift came back in full: he holds no share.
    expect(shares.filter((share) => share.donor_id === tomId)).toEqual([]);
    expect(report.givers).toBe(6);

    // The email went to exactly the three donors who ticked the box and hold a share, once each.
    const expected = [wang, chan, sarah];
    await waitUntil('the report’s emails', () => reportMails().length >= expected.length, { describe: () => reportMails().map(addressOf) });
    expect(reportMails().map(addressOf).sort()).toEqual(expected.map((giver) => giver.email).sort());
    const owed = await db().selectFrom('outbox').select(['dedupe_key', 'sent_at']).where('topic', '=', 'round_report').orderBy('dedupe_key').execute();
    expect(owed.map((row) => row.dedupe_key)).toEqual([wangId, chanId, sarahId].map((donor) => `round-report-${id}-${donor}`).sort());
    for (const quiet of [lee, mei, tom]) expect(h.mail.to(quiet.email).filter((mail) => String(mail.messageId).startsWith('<round-report-'))).toEqual([]);

    // Each in the donor's language, with their own share and their own one-click way to stop.
    const title = { en: 'Happy Smile: July 2026 mission', 'zh-CN': '微笑行动：2026年7月医疗队', 'zh-HK': '微笑行動：2026年7月醫療隊' };
    for (const [giver, donor] of [
      [wang, wangId],
      [chan, chanId],
      [sarah, sarahId],
    ] as const) {
      const [mail, ...more] = h.mail.to(giver.email).filter((m) => String(m.messageId).startsWith('<round-report-'));
      expect(more).toEqual([]);
      expect(mail!.subject).toBe(messages[giver.locale]['share.email.subject'].replace('{round}', title[giver.locale]));
      expect(header(mail!, 'Content-Language')).toBe(giver.locale);
      expect(header(mail!, 'List-Unsubscribe')).toBe(`<${unsubscribeUrl(h.config, donor)}>`);
      expect(String(mail!.text)).toContain(messages[giver.locale]['share.email.why']);
    }
    const text = (giver: Giver) => String(h.mail.to(giver.email).find((m) => String(m.messageId).startsWith('<round-report-'))!.text);
    const yuan = (amount: number, locale: Giver['locale']) => formatMoney({ amount, currency: 'CNY' }, locale);
    const percent = (counted: number) => (hundredthsOfPercent(counted, Number(report.income)) / 100).toFixed(2);
    expect(percent(100_000)).toBe('43.76');
    expect(text(sarah)).toContain(`Your US$30.00, counted as ${yuan(sarahUsd!, 'en')}, was ${percent(sarahUsd!)}% of what ${title.en} raised (${yuan(Number(report.income), 'en')}).`);
    expect(text(wang)).toContain(`您的${yuan(100_000, 'zh-CN')}占${title['zh-CN']}所筹善款（${yuan(Number(report.income), 'zh-CN')}）的${percent(100_000)}%。`);
    expect(text(chan)).toContain(
      `您的${yuan(20_000, 'zh-HK')}及HK$100.00（折合${yuan(20_000 + chanHkd!, 'zh-HK')}）佔${title['zh-HK']}所籌善款（${yuan(Number(report.income), 'zh-HK')}）的${percent(20_000 + chanHkd!)}%。`,
    );

    // Published once: a second time is refused, owes nothing and sends nothing more.
    const again = await publishRoundReport(db(), closed, managerId, new Date(publishedAt.getTime() + 60_000), 'en');
    expect(again).toEqual({ ok: false, status: 409, message: messages.en['rounds.report.error.published'] });
    expect(await db().selectFrom('outbox').select('id').where('topic', '=', 'round_report').execute()).toHaveLength(3);
    expect(await db().selectFrom('round_report_shares').select('who').where('campaign_id', '=', id).execute()).toHaveLength(shares.length);
    expect(await db().selectFrom('audit_log').select('id').where('action', '=', 'round.report_published').execute()).toHaveLength(1);
    expect(reportMails()).toHaveLength(3);

    // A round that reported takes no gift again: its edit page refuses to open it, beside the status.
    const reopen = await manager.agent.get(editPath).expect(200);
    const reopened = formFields(reopen.text, editPath).map(([name, value]): [string, string] => [name, name === 'status' ? 'live' : value]);
    const refused = await manager.agent.post(`${editPath}?lang=en`).type('form').send(asForm(reopened)).expect(422);
    expect(decodeEntities(refused.text)).toContain(messages.en['campaignStaff.check.reported']);
    expect((await findRoundBySlug(db(), round.slug))!.status).toBe('closed');
    // Nothing along the way went wrong where only the logs would say so.
    expect(h.logs.filter((line) => line.level >= 50)).toEqual([]);
  });
});
