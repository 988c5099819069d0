import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import type { Campaign } from '../../server/tables/campaigns.table';
import { totalsOf } from '../../server/campaigns/totals';
import { dayIn, nextDay } from '../../server/calendar';
import { fanOutImpactUpdate, fanOutJobId } from '../../server/impact/fanout';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities, fieldError, fieldsInError, inputValue, isChecked, selectedOption, textareaValue } from '../support/html';
import { aDonorRow, aLedgerEntry, aPaidGift, aRecurringPlan, campaignId } from '../support/ledger-rows';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';

const dayMs = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const daysFromNow = (days: number) => new Date(testNow.getTime() + days * dayMs);

/** A campaign form as a manager fills it in; every field present, as a browser sends it. */
function aCampaignForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    slug: 'cleft-care-2027',
    title_en: 'Cleft care 2027',
    title_zh: '唇腭裂护理 2027',
    summary_en: 'Surgery and follow-up for children born with a cleft.',
    summary_zh: '为唇腭裂儿童提供手术和复诊。',
    story_en: 'First paragraph.\n\nSecond paragraph.',
    story_zh: '第一段。',
    target_amount: '250,000.50',
    target_currency: 'HKD',
    accepted_currencies: ['HKD', 'USD'],
    starts_on: dayOf(daysFromNow(-5)),
    ends_on: dayOf(daysFromNow(9)),
    cost_unit_amount: '5500',
    cost_unit_label_en: 'one cleft-lip surgery',
    cost_unit_label_zh: '一例唇裂手术',
    status: 'live',
    cover_image_url: 'https://photos.example.org/cover.jpg',
    preset_currency: ['HKD', 'USD', 'HKD'],
    preset_amount: ['200', '30', ''],
    preset_label_en: ['medicine for one patient', '', ''],
    preset_label_zh: ['一位患儿的术后药品', '', ''],
    ...overrides,
  };
}

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
    expect(campaign.starts_at.toISOString()).toBe(`${dayOf(daysFromNow(-5))}T00:00:00.000Z`);
    expect(campaign.ends_at!.toISOString()).toBe(`${dayOf(daysFromNow(9))}T23:59:59.000Z`);
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
    // The last day ends at 23:59:59 UTC, nine days on: ten days counting today (nine in the day's last second).
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
    const empty = await manager.post('/staff/campaigns/quiet-draft/impact-updates', { impact_title: '', impact_body: 'We operated.', impact_figures: 'Children operated = 12' }).expect(422);
    expect(fieldError(empty.text, 'impact_title')).toBe('Give the update a title.');
    expect(textareaValue(empty.text, 'impact_body')).toBe('We operated.');
    const badFigure = await manager.post('/staff/campaigns/quiet-draft/impact-updates', { impact_title: 'Spring', impact_body: 'We operated.', impact_figures: 'Children operated: twelve' }).expect(422);
    expect(fieldError(badFigure.text, 'impact_figures')).toMatch(/^Line 1: write each figure as LABEL = NUMBER/);
    expect(inputValue(badFigure.text, 'impact_title')).toBe('Spring');
    const badPhoto = await manager.post('/staff/campaigns/quiet-draft/impact-updates', { impact_title: 'Spring', impact_body: 'We operated.', impact_photos: 'http://insecure.example/a.jpg' }).expect(422);
    expect(fieldError(badPhoto.text, 'impact_photos')).toMatch(/https:\/\//);
    expect(await db.selectFrom('impact_updates').select('id').execute()).toEqual([]);

    const posted = await manager
      .post('/staff/campaigns/quiet-draft/impact-updates', {
        impact_title: 'The spring mission',
        impact_body: 'We operated on **12 children**.',
        impact_figures: 'Children operated = 12\nVolunteers = 1,200',
        impact_photos: 'https://photos.example.org/ward.jpg The ward after surgery',
      })
      .expect(303);
    const update = await db.selectFrom('impact_updates').selectAll().executeTakeFirstOrThrow();
    expect(posted.headers.location).toBe(`/staff/campaigns/quiet-draft?posted=${update.id}&queued=1#impact-updates`);
    expect(update).toMatchObject({
      title: 'The spring mission',
      body_html: '<p>We operated on <strong>12 children</strong>.</p>',
      figures: [
        { label: 'Children operated', value: 12 },
        { label: 'Volunteers', value: 1200 },
      ],
      photos: [{ url: 'https://photos.example.org/ward.jpg', alt: 'The ward after surgery' }],
    });
    expect(await t.ctx.queues.queue('impact').getJob(fanOutJobId(update.id))).toBeDefined();
    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'impact_update.posted').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ staff_id: managerId, subject_type: 'impact_update', subject_id: String(update.id), after: { campaign: 'quiet-draft', title: 'The spring mission' } });

    let dashboard = await manager.agent.get(posted.headers.location!).expect(200);
    expect(dashboard.text).toContain('Posted “The spring mission”. It is queued');
    expect(dataText(dashboard.text, `update="${update.id}"`)).toContain('Finding donors: 0 sent so far');

    // What the worker does: the two donors who gave are found, and one email goes out.
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
    await manager.post('/staff/campaigns/hostile-text/impact-updates', { impact_title: '<script>alert(2)</script>', impact_body: 'Body <script>alert(3)</script>' }).expect(303);

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
    // Chinese is nine bytes a character once URL-encoded: the longest stories are ~200 kB of form body.
    const story_en = `${'Smiles. '.repeat(2_499)}The end.`;
    const story_zh = '唇腭裂儿童的笑容'.repeat(2_500);
    expect([story_en.length, story_zh.length]).toEqual([20_000, 20_000]);
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'the-long-story', story_en, story_zh })).expect(303);
    const { story } = (await findCampaign(t, 'the-long-story'))!;
    expect([story.en === story_en, story['zh-CN'] === story_zh]).toEqual([true, true]);

    const body = '我们为十二名儿童做了手术。'.repeat(3_847).slice(0, 50_000);
    expect(body.length).toBe(50_000);
    await manager.post('/staff/campaigns/the-long-story/impact-updates', { impact_title: '春季行动', impact_body: body }).expect(303);
    const update = await t.database.db.selectFrom('impact_updates').select('body_html').where('title', '=', '春季行动').executeTakeFirstOrThrow();
    expect(update.body_html).toContain('我们为十二名儿童做了手术。');
  });

  it('is closed to finance staff, who get a 403 and change nothing', async () => {
    const finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
    await finance.agent.get('/staff/campaigns/cleft-care-2027').expect(403);
    await finance.post('/staff/campaigns', aCampaignForm({ slug: 'by-finance' })).expect(403);
    await finance.post('/staff/campaigns/cleft-care-2027/impact-updates', { impact_title: 'x', impact_body: 'y' }).expect(403);
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
});
