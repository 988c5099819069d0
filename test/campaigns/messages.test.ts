// Donors' messages on the campaign page under staff control: hidden by a campaign manager (and audited),
// or held on a campaign until approved; the page, kept in memory, changes at once.
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities, isChecked } from '../support/html';
import { aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const daysFromNow = (days: number) => new Date(testNow.getTime() + days * 86_400_000);

/** A live campaign as a manager creates it on the staff form. */
function aCampaignForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    slug: 'quiet-wall',
    title_en: 'Quiet wall',
    title_zh: '安静的留言墙',
    summary_en: 'Messages shown after a look.',
    summary_zh: '',
    story_en: 'A story.',
    story_zh: '',
    target_amount: '10,000',
    target_currency: 'HKD',
    accepted_currencies: ['HKD'],
    starts_on: dayOf(daysFromNow(-3)),
    ends_on: dayOf(daysFromNow(30)),
    cost_unit_amount: '',
    cost_unit_label_en: '',
    cost_unit_label_zh: '',
    status: 'live',
    cover_image_url: '',
    preset_currency: [],
    preset_amount: [],
    preset_label_en: [],
    preset_label_zh: [],
    ...overrides,
  };
}

describe('donors’ messages on the campaign page', () => {
  let t: TestContext;
  let manager: StaffAgent;
  let managerId: number;
  let finance: StaffAgent;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    const member = await aStaffMember(t.database.db, ['campaign_manager']);
    managerId = member.id;
    manager = await signInAs(t.app, member.email);
    finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
  });
  afterAll(() => t.close());

  /** A paid gift with a message, committed at once, as a donor's Checkout would leave it. */
  async function aGiftWithMessage(slug: string, name: string, message: string): Promise<string> {
    return t.database.db.transaction().execute(async (trx) => {
      const gift = await aPaidGift(trx, { campaignId: await campaignId(trx, slug), donorId: null, amount: 50_000, currency: 'HKD', name });
      await trx.updateTable('donations').set({ message }).where('id', '=', gift.id).execute();
      return gift.id;
    });
  }

  const pageText = async (slug: string) => decodeEntities((await request(t.app).get(`/campaigns/${slug}`).expect(200)).text);

  it('shows a message at once, and a manager’s hiding takes it off the page, audited; showing it again brings it back', async () => {
    const giftId = await aGiftWithMessage('speech-therapy-fund', 'Mei Ling', 'Go team, you are wonderful!');
    // Read twice: the page is then kept in memory, and only Postgres's notice of the change can renew it.
    expect(await pageText('speech-therapy-fund')).toContain('Go team, you are wonderful!');
    expect(await pageText('speech-therapy-fund')).toContain('Go team, you are wonderful!');

    const dashboard = await manager.agent.get('/staff/campaigns/speech-therapy-fund').expect(200);
    expect(dashboard.text).toContain(`action="/staff/campaigns/speech-therapy-fund/messages/${giftId}/hide"`);
    expect(dashboard.text).not.toContain(`/messages/${giftId}/approve`);

    const hidden = await manager.post(`/staff/campaigns/speech-therapy-fund/messages/${giftId}/hide`).expect(303);
    expect(hidden.headers.location).toBe('/staff/campaigns/speech-therapy-fund?moderated=hide#messages');
    const after = await pageText('speech-therapy-fund');
    expect(after).not.toContain('Go team, you are wonderful!');
    // The gift itself still shows.
    expect(after).toContain('Mei Ling');

    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'gift.message_hidden').where('subject_id', '=', giftId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ staff_id: managerId, subject_type: 'donation', before: { message_hidden_at: null }, after: { campaign: 'speech-therapy-fund', message: 'Go team, you are wonderful!' } });

    const notice = await manager.agent.get('/staff/campaigns/speech-therapy-fund?moderated=hide').expect(200);
    expect(notice.text).toContain('The message is hidden from the campaign page.');
    expect(notice.text).toContain(`/messages/${giftId}/show`);

    await manager.post(`/staff/campaigns/speech-therapy-fund/messages/${giftId}/show`).expect(303);
    expect(await pageText('speech-therapy-fund')).toContain('Go team, you are wonderful!');
    expect(await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'gift.message_shown').where('subject_id', '=', giftId).execute()).toHaveLength(1);
  });

  it('holds a new gift’s message on a campaign set to hold messages until a manager approves it', async () => {
    await manager.post('/staff/campaigns', aCampaignForm({ hold_messages: '1' })).expect(303);
    const created = await t.database.db.selectFrom('campaigns').selectAll().where('slug', '=', 'quiet-wall').executeTakeFirstOrThrow();
    expect(created.hold_messages).toBe(true);
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.created').where('subject_id', '=', String(created.id)).executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ hold_messages: true });
    expect(isChecked((await manager.agent.get('/staff/campaigns/quiet-wall/edit').expect(200)).text, 'hold_messages')).toBe(true);

    const giftId = await aGiftWithMessage('quiet-wall', 'Ah Fai', 'Waiting for a look');
    const before = await pageText('quiet-wall');
    expect(before).toContain('Ah Fai');
    expect(before).not.toContain('Waiting for a look');

    const dashboard = await manager.agent.get('/staff/campaigns/quiet-wall').expect(200);
    expect(decodeEntities(dashboard.text)).toContain('Awaiting approval');
    await manager.post(`/staff/campaigns/quiet-wall/messages/${giftId}/approve`).expect(303);
    expect(await pageText('quiet-wall')).toContain('Waiting for a look');
    expect(await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'gift.message_approved').where('subject_id', '=', giftId).execute()).toHaveLength(1);
  });

  it('lets the campaign stop holding messages from its edit form, audited like any field', async () => {
    await manager.post('/staff/campaigns', aCampaignForm({ slug: 'held-then-open', hold_messages: '1' })).expect(303);
    await aGiftWithMessage('held-then-open', 'Siu Ming', 'Held, then released');
    expect(await pageText('held-then-open')).not.toContain('Held, then released');
    await manager.post('/staff/campaigns/held-then-open/edit', aCampaignForm({ slug: 'held-then-open' })).expect(303);
    expect(await pageText('held-then-open')).toContain('Held, then released');
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ before: { hold_messages: true }, after: { hold_messages: false } });
  });

  it('refuses finance staff, who do not manage campaigns, and a gift the campaign does not have', async () => {
    const giftId = await aGiftWithMessage('speech-therapy-fund', 'Kwok', 'Finance cannot hide me');
    await finance.post(`/staff/campaigns/speech-therapy-fund/messages/${giftId}/hide`).expect(403);
    expect(await pageText('speech-therapy-fund')).toContain('Finance cannot hide me');
    await manager.post(`/staff/campaigns/general/messages/${giftId}/hide`).expect(404);
    await manager.post(`/staff/campaigns/speech-therapy-fund/messages/${giftId}/delete`).expect(404);
    await manager.post(`/staff/campaigns/speech-therapy-fund/messages/not-a-gift/hide`).expect(404);
    expect(await pageText('speech-therapy-fund')).toContain('Finance cannot hide me');
    expect(await t.database.db.selectFrom('audit_log').select('id').where('subject_id', '=', giftId).execute()).toEqual([]);
  });
});
