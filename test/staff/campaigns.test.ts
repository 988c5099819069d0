import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { createApp } from '../../server/app';
import { closeContext, openContext } from '../../server/context';
import { settableClock, testNow } from '../support/clock';
import type { Campaign } from '../../server/tables/campaigns.table';
import { totalsOf } from '../../server/campaigns/totals';
import { dayIn, nextDay } from '../../server/calendar';
import { fanOutImpactUpdate, fanOutJobId } from '../../server/impact/fanout';
import { agreeToNews } from '../impact/consent-helpers';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities, fieldError, fieldsInError, inputValue, isChecked, selectedOption, textareaValue } from '../support/html';
import { aDonorRow, aLedgerEntry, aPaidGift, aRecurringPlan, campaignId } from '../support/ledger-rows';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';

const dayMs = 86_400_000;
// testNow is 10:00 in Hong Kong: whole days from it fall on the same day in UTC and in the organisation's zone.
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const daysFromNow = (days: number) => new Date(testNow.getTime() + days * dayMs);

/** A campaign form as a manager fills it in; every field present, as a browser sends it. */
function aCampaignForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    slug: 'cleft-care-2027',
    title_en: 'Cleft care 2027',
    title_zh: '唇腭裂护理 2027',
    title_zh_hk: '',
    summary_en: 'Surgery and follow-up for children born with a cleft.',
    summary_zh: '为唇腭裂儿童提供手术和复诊。',
    summary_zh_hk: '',
    story_en: 'First paragraph.\n\nSecond paragraph.',
    story_zh: '第一段。',
    story_zh_hk: '',
    target_amount: '250,000.50',
    target_currency: 'HKD',
    accepted_currencies: ['HKD', 'USD'],
    starts_on: dayOf(daysFromNow(-5)),
    ends_on: dayOf(daysFromNow(9)),
    cost_unit_amount: '5500',
    cost_unit_label_en: 'one cleft-lip surgery',
    cost_unit_label_zh: '一例唇裂手术',
    cost_unit_label_zh_hk: '',
    status: 'live',
    cover_image_url: 'https://photos.example.org/cover.jpg',
    preset_currency: ['HKD', 'USD', 'HKD'],
    preset_amount: ['200', '30', ''],
    preset_label_en: ['medicine for one patient', '', ''],
    preset_label_zh: ['一位患儿的术后药品', '', ''],
    preset_label_zh_hk: ['', '', ''],
    ...overrides,
  };
}

/** The page `path` as a web process whose clock reads `at` serves it: its own campaign cache, so nothing kept from another moment. */
async function publicPageAt(t: TestContext, at: Date, path: string): Promise<string> {
  const ctx = openContext(t.ctx.config, t.ctx.logger, settableClock(at));
  try {
    return (await request(createApp(ctx, { hearChangesFirst: true })).get(path).expect(200)).text;
  } finally {
    await closeContext(ctx);
  }
}

/** The texts a manager writes in Traditional Chinese, as the form posts them. */
const traditional = {
  title_zh_hk: '唇顎裂護理 2027（香港）',
  summary_zh_hk: '為唇顎裂兒童提供手術及覆診。',
  story_zh_hk: '第一段，繁體。\n\n第二段。',
  cost_unit_label_zh_hk: '一次唇裂手術',
  preset_label_zh_hk: ['一位病童的術後藥物', '', ''],
};

async function findCampaign(t: TestContext, slug: string): Promise<Campaign | undefined> {
  return t.database.db.selectFrom('campaigns').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** The text of the element carrying `data-NAME`, decoded. */
function dataText(html: string, name: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\sdata-${name}(?:="[^"]*")?[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match ? decodeEntities(match[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) : undefined;
}

describe('campaign managers in the staff area', () => {
  let t: TestContext;
  let manager: StaffAgent;
  let managerId: number;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    const member = await aStaffMember(t.database.db, ['campaign_manager']);
    managerId = member.id;
    manager = await signInAs(t.app, member.email);
  });
  afterAll(() => t.close());

  it('lists every campaign, drafts included, with raised against target and status', async () => {
    const page = await manager.agent.get('/staff/campaigns').expect(200);
    expect(page.text).toContain('Speech therapy fund');
    expect(page.text).toMatch(/HK\$0 of HK\$300,000 \(0%\)/);
    expect(page.text).toContain('href="/staff/campaigns/new"');
  });

  it('refuses a bad campaign form field by field, keeps what was typed, and stores nothing', async () => {
    const res = await manager
      .post(
        '/staff/campaigns',
        aCampaignForm({
          slug: 'Not a slug!',
          title_en: '',
          title_zh: '<新的>',
          target_amount: '12.345',
          accepted_currencies: [],
          starts_on: '2027-02-30',
          ends_on: '2027-01-01',
          cost_unit_label_en: '',
          cost_unit_label_zh: '',
          status: 'published',
          cover_image_url: 'http://photos.example.org/cover.jpg',
        }),
      )
      .expect(422);
    expect(fieldsInError(res.text).sort()).toEqual(
      ['accepted_currencies', 'cost_unit_label_en', 'cover_image_url', 'preset-1', 'preset-2', 'slug', 'starts_on', 'status', 'target_amount', 'title_en'].sort(),
    );
    expect(fieldError(res.text, 'target_amount')).toBe('Use at most 2 decimal places for HKD.');
    expect(fieldError(res.text, 'cover_image_url')).toBe('Give an address starting with https://, or a path on this site starting with /, or leave it empty.');
    expect(fieldError(res.text, 'preset-1')).toMatch(/^Row 1: choose a currency the campaign accepts/);
    expect(inputValue(res.text, 'title_zh')).toBe('<新的>');
    expect(inputValue(res.text, 'target_amount')).toBe('12.345');
    expect(inputValue(res.text, 'cover_image_url')).toBe('http://photos.example.org/cover.jpg');
    expect(textareaValue(res.text, 'story_en')).toBe('First paragraph.\n\nSecond paragraph.');
    expect(selectedOption(res.text, 'target_currency')).toBe('HKD');
    expect(isChecked(res.text, 'accepted_currencies')).toBe(false);
    expect(res.text).toContain('value="medicine for one patient"');

    expect(await t.database.db.selectFrom('campaigns').select('id').where('slug', 'in', ['not a slug!', 'cleft-care-2027']).execute()).toEqual([]);
    expect(await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'campaign.created').execute()).toEqual([]);
  });

  it('keeps the general fund open: it refuses a last day for it, where closed rounds’ monthly gifts go', async () => {
    const form = await manager.agent.get('/staff/campaigns/general/edit').expect(200);
    expect(inputValue(form.text, 'ends_on')).toBe('');
    const res = await manager.post('/staff/campaigns/general/edit', aCampaignForm({ slug: 'general', ends_on: '2027-12-31' })).expect(422);
    expect(fieldError(res.text, 'ends_on')).toBe('The general fund stays open: monthly gifts from rounds that close move to it. Leave its last day empty.');
    const closing = await manager.post('/staff/campaigns/general/edit', aCampaignForm({ slug: 'general', ends_on: '', status: 'closed' })).expect(422);
    expect(fieldError(closing.text, 'status')).toBe('The general fund stays live: monthly gifts from rounds that close move to it.');
    const fund = (await findCampaign(t, 'general'))!;
    expect([fund.ends_at, fund.status]).toEqual([null, 'live']);
  });

  it('refuses a year typed short, which would be a day two thousand years ago', async () => {
    const res = await manager.post('/staff/campaigns', aCampaignForm({ slug: 'short-years', starts_on: '0026-06-01', ends_on: '0026-11-30' })).expect(422);
    expect(fieldsInError(res.text).sort()).toEqual(['ends_on', 'starts_on']);
    expect(inputValue(res.text, 'ends_on')).toBe('0026-11-30');
    expect(await findCampaign(t, 'short-years')).toBeUndefined();
  });

  it('says so beside the address when another campaign has it, rather than failing', async () => {
    const res = await manager.post('/staff/campaigns', aCampaignForm({ slug: 'speech-therapy-fund' })).expect(422);
    expect(fieldError(res.text, 'slug')).toBe('Another campaign already uses this address; choose another.');
    expect(inputValue(res.text, 'title_en')).toBe('Cleft care 2027');
  });

  it('creates a campaign with its presets in minor units, and an audit row of what was created', async () => {
    const res = await manager.post('/staff/campaigns', aCampaignForm()).expect(303);
    expect(res.headers.location).toBe('/staff/campaigns/cleft-care-2027?saved=1');
    const campaign = (await findCampaign(t, 'cleft-care-2027'))!;
    expect(campaign).toMatchObject({
      title: { en: 'Cleft care 2027', 'zh-CN': '唇腭裂护理 2027' },
      story: { en: 'First paragraph.\n\nSecond paragraph.', 'zh-CN': '第一段。' },
      status: 'live',
      target_amount: 25_000_050,
      target_currency: 'HKD',
      accepted_currencies: ['HKD', 'USD'],
      cost_unit_amount: 550_000,
      cost_unit_label: { en: 'one cleft-lip surgery', 'zh-CN': '一例唇裂手术' },
      cover_image_url: 'https://photos.example.org/cover.jpg',
    });
    // Days in the organisation's time zone (Asia/Hong_Kong): from its midnight to the last second of the last day.
    expect(campaign.starts_at).toEqual(new Date(`${dayOf(daysFromNow(-5))}T00:00:00+08:00`));
    expect(campaign.ends_at).toEqual(new Date(`${dayOf(daysFromNow(9))}T23:59:59+08:00`));
    const presets = await t.database.db.selectFrom('campaign_presets').select(['currency', 'amount', 'label', 'position']).where('campaign_id', '=', campaign.id).orderBy('position').execute();
    expect(presets).toEqual([
      { currency: 'HKD', amount: 20_000, label: { en: 'medicine for one patient', 'zh-CN': '一位患儿的术后药品' }, position: 0 },
      { currency: 'USD', amount: 3_000, label: null, position: 1 },
    ]);
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.created').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ staff_id: managerId, subject_type: 'campaign', subject_id: String(campaign.id), before: null, after: { slug: 'cleft-care-2027', target_amount: 25_000_050 } });

    const dashboard = await manager.agent.get(res.headers.location!).expect(200);
    expect(dashboard.text).toContain('Campaign saved.');
  });

  it('edits a campaign in one change, recording the record before and after', async () => {
    const form = await manager.agent.get('/staff/campaigns/cleft-care-2027/edit').expect(200);
    expect(inputValue(form.text, 'target_amount')).toBe('250000.50');
    expect(inputValue(form.text, 'ends_on')).toBe(dayOf(daysFromNow(9)));
    expect(form.text).toContain('value="medicine for one patient"');

    const before = (await findCampaign(t, 'cleft-care-2027'))!;
    await manager.post('/staff/campaigns/cleft-care-2027/edit', aCampaignForm({ title_en: 'Cleft care 2027: the spring mission', target_amount: '10000' })).expect(303);
    const after = (await findCampaign(t, 'cleft-care-2027'))!;
    expect(after.title.en).toBe('Cleft care 2027: the spring mission');
    expect(after.target_amount).toBe(1_000_000);
    // An unchanged day keeps its stored moment.
    expect(after.starts_at).toEqual(before.starts_at);

    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.updated').where('subject_id', '=', String(before.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      staff_id: managerId,
      before: { title: { en: 'Cleft care 2027' }, target_amount: 25_000_050, presets: [{ currency: 'HKD', amount: 20_000 }, { currency: 'USD', amount: 3_000 }] },
      after: { title: { en: 'Cleft care 2027: the spring mission' }, target_amount: 1_000_000 },
    });

    const bad = await manager.post('/staff/campaigns/cleft-care-2027/edit', aCampaignForm({ target_amount: 'lots' })).expect(422);
    expect(fieldError(bad.text, 'target_amount')).toMatch(/^Enter the target in numbers/);
    // A decimal comma is refused beside the target, never read as a target a hundred times as large.
    const comma = await manager.post('/staff/campaigns/cleft-care-2027/edit', aCampaignForm({ target_amount: '10000,00' })).expect(422);
    expect(fieldError(comma.text, 'target_amount')).toBe('Use a point for decimals in the target (800000.50, not 800000,50); a comma may only separate thousands, as in 800,000.');
    expect((await findCampaign(t, 'cleft-care-2027'))!.target_amount).toBe(1_000_000);
  });

  it('keeps a title on one line and a story\'s paragraphs, without the controls that reorder text', async () => {
    await manager
      .post('/staff/campaigns/cleft-care-2027/edit', aCampaignForm({ title_en: 'Cleft care 2027:\r\nthe spring\u2028mission\u202E', story_en: 'First paragraph.\u2029\u2029Second\u0090 paragraph.\u2066', target_amount: '10000' }))
      .expect(303);
    const campaign = (await findCampaign(t, 'cleft-care-2027'))!;
    expect(campaign.title.en).toBe('Cleft care 2027: the spring mission');
    expect(campaign.story.en).toBe('First paragraph.\n\nSecond paragraph.');
  });

  it('keeps a draft off the public site until it goes live', async () => {
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'quiet-draft', status: 'draft' })).expect(303);
    await request(t.app).get('/campaigns/quiet-draft').expect(404);
    const list = await manager.agent.get('/staff/campaigns').expect(200);
    expect(list.text).toMatch(/href="\/staff\/campaigns\/quiet-draft">Cleft care 2027<\/a>[\s\S]*?Draft/);
    expect(list.text).not.toContain('href="/campaigns/quiet-draft"');
    const dashboard = await manager.agent.get('/staff/campaigns/quiet-draft').expect(200);
    expect(dashboard.text).toContain('Not public while a draft');

    await manager.post('/staff/campaigns/quiet-draft/edit', aCampaignForm({ slug: 'quiet-draft', status: 'live' })).expect(303);
    const page = await request(t.app).get('/campaigns/quiet-draft').expect(200);
    expect(page.text).toContain('Cleft care 2027');
  });

  it('shows the dashboard’s numbers from the ledger: raised, gifts, new and returning donors, recurring, averages and pace', async () => {
    const { db } = t.database;
    const id = await campaignId(db, 'cleft-care-2027');
    const elsewhere = await campaignId(db, 'speech-therapy-fund');
    const returning = await aDonorRow(db, 'returning@example.com');
    await aPaidGift(db, { campaignId: elsewhere, donorId: returning, amount: 10_000, currency: 'HKD', occurredAt: daysFromNow(-10) });
    await aPaidGift(db, { campaignId: id, donorId: returning, amount: 50_000, currency: 'HKD', occurredAt: daysFromNow(-3) });
    const twice = await aDonorRow(db, 'twice@example.com');
    await aPaidGift(db, { campaignId: id, donorId: twice, amount: 100_000, currency: 'HKD', occurredAt: daysFromNow(-2) });
    await aPaidGift(db, { campaignId: id, donorId: twice, amount: 20_000, currency: 'HKD', occurredAt: testNow });
    await aPaidGift(db, { campaignId: id, donorId: await aDonorRow(db, 'usd@example.com'), amount: 10_000, currency: 'USD', settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' }, occurredAt: daysFromNow(-1) });
    const refunded = await aPaidGift(db, { campaignId: id, donorId: await aDonorRow(db, 'refunded@example.com'), amount: 30_000, currency: 'HKD', occurredAt: daysFromNow(-1) });
    await aLedgerEntry(db, refunded, { kind: 'refund', amount: -30_000 });

    const monthly = await aDonorRow(db, 'monthly@example.com');
    await aRecurringPlan(db, { campaignId: id, donorId: monthly, amount: 10_000, currency: 'HKD', status: 'active' });
    await aRecurringPlan(db, { campaignId: id, donorId: monthly, amount: 5_000, currency: 'USD', status: 'active' });
    await aRecurringPlan(db, { campaignId: id, donorId: monthly, amount: 99_000, currency: 'HKD', status: 'canceled' });
    await db.insertInto('recurring_plans').values({ campaign_id: id, donor_id: monthly, amount: 120_000, currency: 'HKD', interval: 'year', status: 'active' }).execute();

    const page = await manager.agent.get('/staff/campaigns/cleft-care-2027').expect(200);
    const html = page.text;
    // HK$500 + 1,000 + 200 as given, and US$100 as Stripe settled it (HK$780); the refunded gift is gone.
    expect(dataText(html, 'raised')).toBe('HK$2,480');
    expect(dataText(html, 'percent')).toBe('(24%)');
    expect(dataText(html, 'gifts')).toBe('4');
    expect(dataText(html, 'donors')).toBe('3');
    expect(dataText(html, 'new-donors')).toBe('2');
    expect(dataText(html, 'returning-donors')).toBe('1');
    expect(dataText(html, 'monthly-recurring')).toBe('HK$200.00 from 2 active plans US$50.00 from 1 active plan');
    expect(dataText(html, 'average-gift')).toBe('HK$566.67 over 3 gifts in HKD US$100.00 over 1 gift in USD');
    expect(dataText(html, 'remaining')).toBe('HK$7,520');
    // The last day ends at 23:59:59 in Hong Kong, nine days on: ten days counting today (nine in the day's last second).
    const daysLeft = Number(dataText(html, 'days-left'));
    expect([9, 10]).toContain(daysLeft);
    const pace = Math.ceil(752_000 / daysLeft);
    expect(dataText(html, 'pace')).toBe(`HK$${(pace / 100).toLocaleString('en', { minimumFractionDigits: 2 })} a day`);
    expect(dataText(html, 'top-sources')).toContain('No source 4 HK$2,480.00');

    // The chart: cumulative raised by day, ending on the campaign's total, described for screen readers.
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="raised-chart-title">Cumulative amount raised by day for Cleft care 2027: the spring mission</title>');
    expect(svg).toMatch(/<desc id="raised-chart-desc">[^<]*HK\$2,480 raised of a HK\$10,000 target/);
    expect(svg).toContain('>Target HK$10,000</text>');
    expect(svg).toContain('>Day (Asia/Hong_Kong)</text>');
    const campaign = (await findCampaign(t, 'cleft-care-2027'))!;
    const { raised } = await totalsOf(db, campaign);
    expect(svg).toContain(`data-final-amount="${raised.amount}"`);
    expect(raised.amount).toBe(248_000);
    expect(/<text class="final"[^>]*>([^<]*)<\/text>/.exec(svg)?.[1]).toBe('HK$2,480');
    expect(svg).not.toContain('<script');
  });

  it('buckets the chart by the organisation’s day: a gift at 23:30 UTC lands on the next Hong Kong day', async () => {
    const { db } = t.database;
    const id = await campaignId(db, 'cleft-care-2027');
    const utcDay = daysFromNow(-4).toISOString().slice(0, 10);
    const lateAt = new Date(`${utcDay}T23:30:00Z`);
    const hongKongDay = dayIn(lateAt, 'Asia/Hong_Kong');
    expect(hongKongDay).toBe(nextDay(utcDay));
    await aPaidGift(db, { campaignId: id, donorId: await aDonorRow(db, 'late.evening@example.com'), amount: 4_200, currency: 'HKD', occurredAt: lateAt });
    const html = (await manager.agent.get('/staff/campaigns/cleft-care-2027').expect(200)).text;
    const days = [...html.matchAll(/<tr><td>(\d{4}-\d{2}-\d{2})<\/td>/g)].map((m) => m[1]);
    expect(days).toContain(hongKongDay);
    expect(days).not.toContain(utcDay);
    expect(html).toContain('<th scope="col">Day (Asia/Hong_Kong)</th>');
  });

  it('carries utm_source from a campaign link onto the gift, and counts it among the top sources', async () => {
    const { db } = t.database;
    const page = await request(t.app).get('/campaigns/quiet-draft?utm_source=wechat-moments').expect(200);
    expect(page.text).toContain('<input type="hidden" name="utm_source" value="wechat-moments">');
    const odd = await request(t.app).get('/campaigns/quiet-draft?utm_source=%3Cscript%3E').expect(200);
    expect(odd.text).not.toContain('name="utm_source"');

    // Nothing answers as Stripe here: the gift is stored as pending before Checkout is asked, and the
    // donor is told to try again.
    const donor = request.agent(t.app);
    await donor
      .post('/campaigns/quiet-draft/donate')
      .type('form')
      .send({ amount: '150', currency: 'HKD', frequency: 'once', email: 'wechat@example.com', name: 'Wei', utm_source: 'wechat-moments' })
      .expect(503);
    const donation = await db.selectFrom('donations').selectAll().where('campaign_id', '=', await campaignId(db, 'quiet-draft')).executeTakeFirstOrThrow();
    expect(donation.utm_source).toBe('wechat-moments');

    // As the Stripe event handlers would record the payment.
    await db.updateTable('donations').set({ status: 'succeeded', succeeded_at: testNow }).where('id', '=', donation.id).execute();
    await aLedgerEntry(db, donation, { kind: 'gift', amount: 15_000 });
    await aPaidGift(db, { campaignId: donation.campaign_id, donorId: await aDonorRow(db, 'direct@example.com'), amount: 5_000, currency: 'HKD' });

    const dashboard = await manager.agent.get('/staff/campaigns/quiet-draft').expect(200);
    const sources = dataText(dashboard.text, 'top-sources');
    expect(sources).toContain('wechat-moments 1 HK$150.00');
    expect(sources).toContain('No source 1 HK$50.00');
    expect(sources!.indexOf('wechat-moments')).toBeLessThan(sources!.indexOf('No source'));
  });

  it('posts an impact update from the dashboard: checked, audited, queued for the fan-out, with its sending progress', async () => {
    const { db } = t.database;
    const empty = await manager.post('/staff/campaigns/quiet-draft/impact-updates', { impact_title_en: '', impact_body_en: 'We operated.', impact_figure_value: '12', impact_figure_label_en: 'Children operated' }).expect(422);
    expect(fieldError(empty.text, 'impact_title_en')).toBe('Give the English text a title too, or clear its body.');
    expect(textareaValue(empty.text, 'impact_body_en')).toBe('We operated.');
    const badFigure = await manager.post('/staff/campaigns/quiet-draft/impact-updates', { impact_title_en: 'Spring', impact_body_en: 'We operated.', impact_figure_value: 'twelve', impact_figure_label_en: 'Children operated' }).expect(422);
    expect(fieldError(badFigure.text, 'impact_figures')).toBe('Figure 1: give a number of 0 or more, such as 152.');
    expect(inputValue(badFigure.text, 'impact_title_en')).toBe('Spring');
    const badPhoto = await manager.post('/staff/campaigns/quiet-draft/impact-updates', { impact_title_en: 'Spring', impact_body_en: 'We operated.', impact_photo_url: 'http://insecure.example/a.jpg' }).expect(422);
    expect(fieldError(badPhoto.text, 'impact_photos')).toMatch(/https:\/\//);
    // The demo's closed rounds have reported; this campaign has not.
    const quietDraft = (await findCampaign(t, 'quiet-draft'))!.id;
    expect(await db.selectFrom('impact_updates').select('id').where('campaign_id', '=', quietDraft).execute()).toEqual([]);

    const posted = await manager
      .post('/staff/campaigns/quiet-draft/impact-updates', {
        impact_title_en: 'The spring mission',
        impact_body_en: 'We operated on **12 children**.',
        impact_figure_value: ['12', '1,200'],
        impact_figure_label_en: ['Children operated', 'Volunteers'],
        impact_photo_url: 'https://photos.example.org/ward.jpg',
        impact_photo_alt_en: 'The ward after surgery',
      })
      .expect(303);
    const update = await db.selectFrom('impact_updates').selectAll().where('campaign_id', '=', quietDraft).executeTakeFirstOrThrow();
    expect(posted.headers.location).toBe(`/staff/campaigns/quiet-draft?posted=${update.id}&queued=1#impact-updates`);
    expect(update).toMatchObject({
      title: { en: 'The spring mission' },
      body_html: { en: '<p>We operated on <strong>12 children</strong>.</p>' },
      figures: [
        { label: { en: 'Children operated' }, value: 12 },
        { label: { en: 'Volunteers' }, value: 1200 },
      ],
      photos: [{ url: 'https://photos.example.org/ward.jpg', alt: { en: 'The ward after surgery' } }],
    });
    expect(await t.ctx.queues.queue('impact').getJob(fanOutJobId(update.id))).toBeDefined();
    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'impact_update.posted').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ staff_id: managerId, subject_type: 'impact_update', subject_id: String(update.id), after: { campaign: 'quiet-draft', title: { en: 'The spring mission' } } });

    // The audit log says it in a sentence, the title in the reader's language.
    const admin = await signInAs(t.app, (await aStaffMember(t.database.db, ['admin'])).email);
    const auditPage = decodeEntities((await admin.agent.get('/staff/audit?lang=en').expect(200)).text.replace(/<[^>]*>/g, ''));
    expect(auditPage).toContain('posted the impact update “The spring mission” on quiet-draft.');

    let dashboard = await manager.agent.get(posted.headers.location!).expect(200);
    expect(dashboard.text).toContain('Posted “The spring mission”. It is queued');
    expect(dataText(dashboard.text, `update="${update.id}"`)).toContain('Finding donors: 0 sent so far');

    // What the worker does: the two donors who gave, and asked for news, are found, and one email goes out.
    const givers = await db.selectFrom('donations').select('donor_id').distinct().where('campaign_id', '=', quietDraft).where('donor_id', 'is not', null).execute();
    await agreeToNews(db, givers.map((row) => row.donor_id!));
    expect((await fanOutImpactUpdate(t.ctx, update.id)).recipients).toBe(2);
    const first = await db.selectFrom('impact_deliveries').select('donor_id').where('update_id', '=', update.id).orderBy('donor_id').executeTakeFirstOrThrow();
    await db.updateTable('impact_deliveries').set({ sent_at: testNow }).where('update_id', '=', update.id).where('donor_id', '=', first.donor_id).execute();
    dashboard = await manager.agent.get('/staff/campaigns/quiet-draft').expect(200);
    expect(dataText(dashboard.text, `update="${update.id}"`)).toContain('1 of 2 sent');
  });

  it('shows what managers type as text, never as markup, on every page', async () => {
    const hostile = '<script>alert("x")</script> & "Smiles"';
    await manager
      .post(
        '/staff/campaigns',
        aCampaignForm({
          slug: 'hostile-text',
          title_en: hostile,
          summary_en: '<img src=x onerror=alert(1)>',
          story_en: '<iframe src="https://evil.example"></iframe>',
          preset_label_en: ['<b>bold</b>', '', ''],
        }),
      )
      .expect(303);
    await manager.post('/staff/campaigns/hostile-text/impact-updates', { impact_title_en: '<script>alert(2)</script>', impact_body_en: 'Body <script>alert(3)</script>' }).expect(303);

    const pages = await Promise.all([
      manager.agent.get('/staff/campaigns').expect(200),
      manager.agent.get('/staff/campaigns/hostile-text').expect(200),
      manager.agent.get('/staff/campaigns/hostile-text/edit').expect(200),
      request(t.app).get('/campaigns/hostile-text').expect(200),
    ]);
    for (const page of pages) {
      expect(page.text).not.toMatch(/<script>alert|<img src=x|<iframe|<b>bold/);
      expect(page.text).toContain('&lt;script&gt;alert(');
    }
    const dashboard = pages[1]!.text;
    expect(dashboard).toContain('<title id="raised-chart-title">Cumulative amount raised by day for &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Smiles&quot;</title>');
    expect(inputValue(pages[2]!.text, 'title_en')).toBe(hostile);
  });

  it('takes a story as long as the form allows in each language, and an impact update as long', async () => {
    // Chinese is nine bytes a character once URL-encoded: the longest stories are ~400 kB of form body.
    const story_en = `${'Smiles. '.repeat(2_499)}The end.`;
    const story_zh = '唇腭裂儿童的笑容'.repeat(2_500);
    const story_zh_hk = '唇顎裂兒童的笑容'.repeat(2_500);
    expect([story_en.length, story_zh.length, story_zh_hk.length]).toEqual([20_000, 20_000, 20_000]);
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'the-long-story', story_en, story_zh, story_zh_hk })).expect(303);
    const { story } = (await findCampaign(t, 'the-long-story'))!;
    expect([story.en === story_en, story['zh-CN'] === story_zh, story['zh-HK'] === story_zh_hk]).toEqual([true, true, true]);

    const body = '我们为十二名儿童做了手术。'.repeat(3_847).slice(0, 50_000);
    expect(body.length).toBe(50_000);
    const bodyHk = '我們為十二名兒童做了手術。'.repeat(3_847).slice(0, 50_000);
    await manager
      .post('/staff/campaigns/the-long-story/impact-updates', { impact_title_en: 'Spring', impact_body_en: 'x'.repeat(50_000), impact_title_zh: '春季行动', impact_body_zh: body, impact_title_zh_hk: '春季行動', impact_body_zh_hk: bodyHk })
      .expect(303);
    const campaignRow = await findCampaign(t, 'the-long-story');
    const update = await t.database.db.selectFrom('impact_updates').select(['title', 'body_markdown']).where('campaign_id', '=', campaignRow!.id).executeTakeFirstOrThrow();
    expect(update.title).toEqual({ en: 'Spring', 'zh-CN': '春季行动', 'zh-HK': '春季行動' });
    expect([update.body_markdown['zh-CN'] === body, update.body_markdown['zh-HK'] === bodyHk]).toEqual([true, true]);
  });

  it('is closed to finance staff, who get a 403 and change nothing', async () => {
    const finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
    await finance.agent.get('/staff/campaigns/cleft-care-2027').expect(403);
    await finance.post('/staff/campaigns', aCampaignForm({ slug: 'by-finance' })).expect(403);
    await finance.post('/staff/campaigns/cleft-care-2027/impact-updates', { impact_title_en: 'x', impact_body_en: 'y' }).expect(403);
    expect(await findCampaign(t, 'by-finance')).toBeUndefined();
  });

  it('answers an unknown or malformed campaign address with a 404', async () => {
    await manager.agent.get('/staff/campaigns/no-such-campaign').expect(404);
    await manager.agent.get('/staff/campaigns/%00bad').expect(404);
    await manager.post('/staff/campaigns/no-such-campaign/edit', aCampaignForm()).expect(404);
  });

  it('takes a cover picture on this site by its path, but not one on another host', async () => {
    const other = await manager.post('/staff/campaigns', aCampaignForm({ slug: 'cover-elsewhere', cover_image_url: '//photos.example.org/cover.jpg' })).expect(422);
    expect(fieldsInError(other.text)).toEqual(['cover_image_url']);
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'cover-on-site', cover_image_url: '/assets/covers/happy-smile.png' })).expect(303);
    expect((await findCampaign(t, 'cover-on-site'))?.cover_image_url).toBe('/assets/covers/happy-smile.png');
  });

  it('writes each text in English, Simplified and Traditional Chinese, shows each reader their own, and shows them again for editing', async () => {
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'three-languages', ...traditional })).expect(303);
    const campaign = (await findCampaign(t, 'three-languages'))!;
    expect(campaign).toMatchObject({
      title: { en: 'Cleft care 2027', 'zh-CN': '唇腭裂护理 2027', 'zh-HK': '唇顎裂護理 2027（香港）' },
      summary: { en: 'Surgery and follow-up for children born with a cleft.', 'zh-CN': '为唇腭裂儿童提供手术和复诊。', 'zh-HK': '為唇顎裂兒童提供手術及覆診。' },
      story: { en: 'First paragraph.\n\nSecond paragraph.', 'zh-CN': '第一段。', 'zh-HK': '第一段，繁體。\n\n第二段。' },
      cost_unit_label: { en: 'one cleft-lip surgery', 'zh-CN': '一例唇裂手术', 'zh-HK': '一次唇裂手術' },
    });
    const presets = await t.database.db.selectFrom('campaign_presets').select('label').where('campaign_id', '=', campaign.id).orderBy('position').execute();
    expect(presets.map((p) => p.label)).toEqual([{ en: 'medicine for one patient', 'zh-CN': '一位患儿的术后药品', 'zh-HK': '一位病童的術後藥物' }, null]);

    const page = async (lang: string) => decodeEntities((await request(t.app).get(`/campaigns/three-languages?lang=${lang}`).expect(200)).text);
    const english = await page('en');
    expect(english).toContain('<h1>Cleft care 2027</h1>');
    expect(english).toContain('Surgery and follow-up for children born with a cleft.');
    expect(english).toContain('funds one cleft-lip surgery.');
    const simplified = await page('zh-CN');
    expect(simplified).toContain('<h1>唇腭裂护理 2027</h1>');
    expect(simplified).toContain('为唇腭裂儿童提供手术和复诊。');
    expect(simplified).toContain('可资助一例唇裂手术。');
    expect(simplified).toContain('一位患儿的术后药品');
    const hongKong = await page('zh-HK');
    expect(hongKong).toContain('<h1>唇顎裂護理 2027（香港）</h1>');
    expect(hongKong).toContain('為唇顎裂兒童提供手術及覆診。');
    expect(hongKong).toContain('第一段，繁體。');
    expect(hongKong).toContain('可資助一次唇裂手術。');
    expect(hongKong).toContain('一位病童的術後藥物');
    expect(hongKong).not.toContain('唇腭裂护理');

    const form = await manager.agent.get('/staff/campaigns/three-languages/edit').expect(200);
    expect(form.text).toContain('<input id="title_zh_hk" name="title_zh_hk" lang="zh-HK"');
    expect(inputValue(form.text, 'title_zh_hk')).toBe('唇顎裂護理 2027（香港）');
    expect(textareaValue(form.text, 'summary_zh_hk')).toBe('為唇顎裂兒童提供手術及覆診。');
    expect(textareaValue(form.text, 'story_zh_hk')).toBe('第一段，繁體。\n\n第二段。');
    expect(inputValue(form.text, 'cost_unit_label_zh_hk')).toBe('一次唇裂手術');
    expect(inputValue(form.text, 'title_zh')).toBe('唇腭裂护理 2027');
    expect(form.text).toContain('aria-label="Row 1 label in Traditional Chinese" value="一位病童的術後藥物"');
    expect(decodeEntities(form.text)).toContain('Chinese left empty in one script is shown converted from the other');

    // Saved again as shown, every language comes back as it was.
    await manager.post('/staff/campaigns/three-languages/edit', aCampaignForm({ slug: 'three-languages', ...traditional })).expect(303);
    const again = (await findCampaign(t, 'three-languages'))!;
    expect([again.title, again.summary, again.story, again.cost_unit_label]).toEqual([campaign.title, campaign.summary, campaign.story, campaign.cost_unit_label]);
  });

  it('shows Chinese written in one script to readers of the other, converted, and English where no Chinese was written', async () => {
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'simplified-only' })).expect(303);
    // An empty field is not stored as an empty text: readers fall back from it.
    expect((await findCampaign(t, 'simplified-only'))!.title).toEqual({ en: 'Cleft care 2027', 'zh-CN': '唇腭裂护理 2027' });
    const hongKong = decodeEntities((await request(t.app).get('/campaigns/simplified-only?lang=zh-HK').expect(200)).text);
    expect(hongKong).toContain('<h1>唇顎裂護理 2027</h1>');
    expect(hongKong).toContain('為唇顎裂兒童提供手術和複診。');
    expect(hongKong).toContain('可資助一例唇裂手術。');

    const noSimplified = { title_zh: '', summary_zh: '', story_zh: '', cost_unit_label_zh: '', preset_label_zh: ['', '', ''] };
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'traditional-only', ...noSimplified, ...traditional })).expect(303);
    const simplified = decodeEntities((await request(t.app).get('/campaigns/traditional-only?lang=zh-CN').expect(200)).text);
    expect(simplified).toContain('<h1>唇腭裂护理 2027（香港）</h1>');
    expect(simplified).toContain('为唇腭裂儿童提供手术及覆诊。');

    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'english-only', ...noSimplified })).expect(303);
    const englishOnly = decodeEntities((await request(t.app).get('/campaigns/english-only?lang=zh-HK').expect(200)).text);
    expect(englishOnly).toContain('<html lang="zh-HK">');
    expect(englishOnly).toContain('<h1>Cleft care 2027</h1>');
    expect(englishOnly).toContain('First paragraph.');
  });

  it('refuses an over-long Traditional Chinese title beside its field, in the manager’s language, and changes nothing', async () => {
    const { db } = t.database;
    const before = (await findCampaign(t, 'three-languages'))!;
    const audits = async () => (await db.selectFrom('audit_log').select('id').where('subject_type', '=', 'campaign').where('subject_id', '=', String(before.id)).execute()).length;
    const auditsBefore = await audits();
    const long = '繁'.repeat(121);

    const res = await manager.post('/staff/campaigns/three-languages/edit', aCampaignForm({ slug: 'three-languages', ...traditional, title_zh_hk: long, target_amount: '1' })).expect(422);
    expect(fieldsInError(res.text)).toEqual(['title_zh_hk']);
    expect(fieldError(res.text, 'title_zh_hk')).toBe('Keep the Traditional Chinese title to 120 characters (it has 121).');
    expect(res.text).toContain('<a href="#title_zh_hk">');
    expect(inputValue(res.text, 'title_zh_hk')).toBe(long);
    expect(inputValue(res.text, 'target_amount')).toBe('1');

    const inChinese = await manager.post('/staff/campaigns/three-languages/edit', aCampaignForm({ slug: 'three-languages', ...traditional, title_zh_hk: long })).set('Accept-Language', 'zh-HK').expect(422);
    expect(fieldError(inChinese.text, 'title_zh_hk')).toBe('繁體中文標題不能超過 120 個字元（目前有 121 個）。');
    expect(inChinese.text).toContain('<label for="title_zh_hk">繁體中文標題');

    expect(await findCampaign(t, 'three-languages')).toEqual(before);
    expect(await audits()).toBe(auditsBefore);
  });

  it('reads the form’s dates as days in Hong Kong: a campaign is open at 23:30 there on its last day, and closed at 00:30 the next', async () => {
    const blank = await manager.agent.get('/staff/campaigns/new').expect(200);
    expect(blank.text).toContain('<label for="starts_on">First day (Asia/Hong_Kong)</label>');
    expect(blank.text).toContain('<label for="ends_on">Last day (Asia/Hong_Kong) ');
    expect(inputValue(blank.text, 'starts_on')).toBe(dayIn(testNow, 'Asia/Hong_Kong'));

    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'hong-kong-days', starts_on: '2026-06-06', ends_on: '2026-06-20' })).expect(303);
    const campaign = (await findCampaign(t, 'hong-kong-days'))!;
    // Midnight in Hong Kong is 16:00 UTC the day before.
    expect(campaign.starts_at.toISOString()).toBe('2026-06-05T16:00:00.000Z');
    expect(campaign.ends_at!.toISOString()).toBe('2026-06-20T15:59:59.000Z');
    const form = await manager.agent.get('/staff/campaigns/hong-kong-days/edit').expect(200);
    expect(inputValue(form.text, 'starts_on')).toBe('2026-06-06');
    expect(inputValue(form.text, 'ends_on')).toBe('2026-06-20');
    const list = await manager.agent.get('/staff/campaigns').expect(200);
    expect(list.text).toContain('<th scope="col">Dates (Asia/Hong_Kong)</th>');
    expect(list.text).toContain('<time datetime="2026-06-05T16:00:00.000Z">Jun 6, 2026</time> – <time datetime="2026-06-20T15:59:59.000Z">Jun 20, 2026</time>');

    const lastEvening = await publicPageAt(t, new Date('2026-06-20T23:30:00+08:00'), '/campaigns/hong-kong-days');
    expect(lastEvening).toContain('action="/campaigns/hong-kong-days/donate#give"');
    expect(lastEvening).not.toContain('This campaign closed on');
    const nextMorning = await publicPageAt(t, new Date('2026-06-21T00:30:00+08:00'), '/campaigns/hong-kong-days');
    expect(nextMorning).not.toContain('action="/campaigns/hong-kong-days/donate');
    expect(nextMorning).toContain('This campaign closed on');
  });

  it('keeps the instant of a date stored when the form’s days were UTC days, until someone changes that date', async () => {
    const { db } = t.database;
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'utc-days', starts_on: '2026-06-01', ends_on: '2026-06-19' })).expect(303);
    // As the form used to store them: UTC midnight, and the last second of the UTC day.
    const stored = { starts_at: new Date('2026-06-01T00:00:00Z'), ends_at: new Date('2026-06-19T23:59:59Z') };
    await db.updateTable('campaigns').set(stored).where('slug', '=', 'utc-days').execute();

    // 08:00 on 1 June and 07:59:59 on 20 June in Hong Kong: the form says so.
    const form = await manager.agent.get('/staff/campaigns/utc-days/edit').expect(200);
    expect([inputValue(form.text, 'starts_on'), inputValue(form.text, 'ends_on')]).toEqual(['2026-06-01', '2026-06-20']);
    await manager.post('/staff/campaigns/utc-days/edit', aCampaignForm({ slug: 'utc-days', starts_on: '2026-06-01', ends_on: '2026-06-20' })).expect(303);
    expect(await findCampaign(t, 'utc-days')).toMatchObject(stored);

    await manager.post('/staff/campaigns/utc-days/edit', aCampaignForm({ slug: 'utc-days', starts_on: '2026-06-01', ends_on: '2026-06-19' })).expect(303);
    expect(await findCampaign(t, 'utc-days')).toMatchObject({ starts_at: stored.starts_at, ends_at: new Date('2026-06-19T15:59:59Z') });
  });

  it('keeps a round of its mission once its money or outcomes are on record for it', async () => {
    const round = demoRounds(testNow).closed[0]!.slug;
    const before = (await findCampaign(t, round))!;
    expect(before.mission_id).not.toBeNull();
    const res = await manager.post(`/staff/campaigns/${round}/edit`, aCampaignForm({ slug: round, mission: '' })).expect(422);
    expect(fieldError(res.text, 'mission')).toBe('This round’s spending, transfers, outcomes or moved gifts are on record for its mission, so it stays a round of that mission.');
    expect((await findCampaign(t, round))!).toEqual(before);
  });

  it('notes when staff closed a campaign, keeps it through later saves, and forgets it when reopened', async () => {
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'closing-early' })).expect(303);
    expect((await findCampaign(t, 'closing-early'))!.closed_at).toBeNull();
    await manager.post('/staff/campaigns/closing-early/edit', aCampaignForm({ slug: 'closing-early', status: 'closed' })).expect(303);
    const closedAt = (await findCampaign(t, 'closing-early'))!.closed_at;
    expect(closedAt).toBeInstanceOf(Date);
    await manager.post('/staff/campaigns/closing-early/edit', aCampaignForm({ slug: 'closing-early', status: 'closed', title_en: 'Closed early' })).expect(303);
    expect((await findCampaign(t, 'closing-early'))!.closed_at).toEqual(closedAt);
    await manager.post('/staff/campaigns/closing-early/edit', aCampaignForm({ slug: 'closing-early', status: 'live' })).expect(303);
    expect((await findCampaign(t, 'closing-early'))!.closed_at).toBeNull();
  });

});
