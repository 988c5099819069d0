import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, csrfOf, signInAs, type StaffAgent } from '../support/staff';

// A NUL byte is refused by Postgres in any text; typed or pasted into a staff form it must be dropped, not a 500.
describe('staff forms with control characters in them', () => {
  let t: TestContext;
  let finance: StaffAgent;
  let admin: StaffAgent;

  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
    admin = await signInAs(t.app, (await aStaffMember(t.database.db, ['admin'])).email);
  });
  afterAll(() => t.close());

  it('searches gifts by donor', async () => {
    await finance.agent.get('/staff/finance/gifts?donor=mei%00chan').expect(200);
  });

  it('signs in', async () => {
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get('/staff/sign-in')).text);
    await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: 'no\u0000body@example.org', password: 'whatever it is' }).expect(401);
  });

  it('invites a colleague', async () => {
    await admin.post('/staff/team', { name: 'Nul\u0000 Person', email: 'nul\u0000@example.org', roles: 'finance' }).expect(200);
    const row = await t.database.db.selectFrom('staff_members').select(['name', 'email']).where('email', '=', 'nul@example.org').executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'Nul Person', email: 'nul@example.org' });
  });

  it('records an offline gift', async () => {
    await finance
      .post('/staff/finance/offline-gifts', {
        donor_type: 'enterprise',
        donor_name: 'Harbour\u0000 Dental Ltd',
        donor_email: '',
        amount: '300',
        currency: 'HKD',
        method: 'cheque',
        reference: 'HSBC\u0000 1',
        received_on: '2026-02-12',
        campaign: 'speech-therapy-fund',
        locale: 'en',
      })
      .expect(303);
    // The demo's own offline gifts went to its closed rounds, not to this campaign.
    const row = await t.database.db
      .selectFrom('donations')
      .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
      .select('donor_name')
      .where('origin', '=', 'offline')
      .where('campaigns.slug', '=', 'speech-therapy-fund')
      .executeTakeFirstOrThrow();
    expect(row.donor_name).toBe('Harbour Dental Ltd');
  });

  it('asks for a refund', async () => {
    const db = t.database.db;
    const gift = await aPaidGift(db, { campaignId: await campaignId(db, 'speech-therapy-fund'), donorId: null, amount: 50_000, currency: 'HKD' });
    // Stripe is out of reach here: the request is stored, then the page says Stripe did not answer.
    await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '100', reason: 'Asked\u0000 by the donor', attempt: '1' }).expect(409);
    const row = await db.selectFrom('refund_requests').select('reason').where('donation_id', '=', gift.id).executeTakeFirstOrThrow();
    expect(row.reason).toBe('Asked by the donor');
  });

  it('resolves a reconciliation discrepancy with a note', async () => {
    const db = t.database.db;
    const { id } = await db
      .insertInto('reconciliation_discrepancies')
      .values({ day: '2026-02-12', kind: 'missing_in_ledger', stripe_balance_transaction_id: 'txn_nul', currency: 'HKD', stripe_amount: 100, stripe_fee: 0, stripe_net: 100 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await finance.post(`/staff/finance/reconciliation/${id}/resolve`, { note: 'Checked\u0000 by hand' }).expect(303);
    expect(await db.selectFrom('reconciliation_discrepancies').select('note').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ note: 'Checked by hand' });
  });

  // A line break in a one-line field prints as a line of its own in a receipt, an email or a CSV file
  // ("Ann\nTotal: US$0"); C1 controls and bidi overrides are invisible and can make a name read backwards.
  describe('line breaks and invisible controls', () => {
    it('invites a colleague under a name and an address of one line', async () => {
      await admin.post('/staff/team', { name: 'Ann\r\nBcc: x\u2028Lee\u202E', email: ' ann.lee@example.org\u0085', roles: 'finance' }).expect(200);
      const row = await t.database.db.selectFrom('staff_members').select(['name', 'email']).where('email', '=', 'ann.lee@example.org').executeTakeFirstOrThrow();
      expect(row).toEqual({ name: 'Ann Bcc: x Lee', email: 'ann.lee@example.org' });
    });

    it('records an offline gift with its name and reference on one line', async () => {
      await finance
        .post('/staff/finance/offline-gifts', {
          donor_type: 'enterprise',
          donor_name: 'Kowloon\r\nDental\tLtd\u2029\u0090\u202ETotal: HK$0\u202C',
          donor_email: '',
          amount: '300',
          currency: 'HKD',
          method: 'cheque',
          reference: 'HSBC\n\u20662\u2069\u0085',
          received_on: '2026-02-13',
          campaign: 'speech-therapy-fund',
          locale: 'en',
        })
        .expect(303);
      const row = await t.database.db
        .selectFrom('donations')
        .innerJoin('ledger_entries', 'ledger_entries.donation_id', 'donations.id')
        .select(['donations.donor_name', 'ledger_entries.reference'])
        .where('ledger_entries.reference', 'like', 'HSBC%2')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ donor_name: 'Kowloon Dental Ltd Total: HK$0', reference: 'HSBC 2' });
    });

    it('keeps the lines of a refund reason, a textarea, but not its C1 or bidi controls', async () => {
      const db = t.database.db;
      const gift = await aPaidGift(db, { campaignId: await campaignId(db, 'speech-therapy-fund'), donorId: null, amount: 20_000, currency: 'HKD' });
      await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '100', reason: 'Asked by\r\nthe donor\u2028twice\u0090\u202E', attempt: '1' }).expect(409);
      const row = await db.selectFrom('refund_requests').select('reason').where('donation_id', '=', gift.id).executeTakeFirstOrThrow();
      expect(row.reason).toBe('Asked by\r\nthe donor\ntwice');
    });

    it('resolves a discrepancy with a note on one line, as its input is', async () => {
      const db = t.database.db;
      const { id } = await db
        .insertInto('reconciliation_discrepancies')
        .values({ day: '2026-02-13', kind: 'missing_in_ledger', stripe_balance_transaction_id: 'txn_lines', currency: 'HKD', stripe_amount: 100, stripe_fee: 0, stripe_net: 100 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await finance.post(`/staff/finance/reconciliation/${id}/resolve`, { note: 'Checked\r\nby hand\u2028twice' }).expect(303);
      expect(await db.selectFrom('reconciliation_discrepancies').select('note').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ note: 'Checked by hand twice' });
    });
  });
});
