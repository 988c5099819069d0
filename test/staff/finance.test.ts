import request from 'supertest';
import { findRecordedRate } from '../../server/campaigns/totals.repository';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities, inputValue } from '../support/html';
import { downloadBytes, pdfText } from '../support/pdf';
import { aDonorRow, aLedgerEntry, aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, csrfOf, signInAs, type StaffAgent } from '../support/staff';
import { dayIn } from '../../server/calendar';

/** The totals line of the gifts page for one pair of gift and settlement currencies, as text. */
function totalsLine(html: string, currency: string, settlement: string): string | undefined {
  const row = new RegExp(`<tr data-currency="${currency}" data-settlement-currency="${settlement}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
  return row === undefined ? undefined : decodeEntities(row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
}

const giftIdsOn = (html: string) => [...html.matchAll(/<tr data-gift="([0-9a-f-]{36})">/g)].map((m) => m[1]);

describe('finance: the gifts ledger, offline gifts and corrections', () => {
  let t: TestContext;
  let finance: StaffAgent;
  let speech: number;
  let general: number;

  beforeAll(async () => {
    t = await startTestContext();
    // The campaigns without the demo's own offline gifts: the ledger below lists exactly this file's gifts.
    await seedDemoData(t.database.db, testNow, { closedRoundMoney: false });
    speech = await campaignId(t.database.db, 'speech-therapy-fund');
    general = await campaignId(t.database.db, 'general');
    finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'], { name: 'Fiona Finance' })).email);
  });
  afterAll(() => t.close());

  describe('the ledger', () => {
    let hkd: string, cny: string, usd: string;
    beforeAll(async () => {
      const db = t.database.db;
      const mei = await aDonorRow(db, 'mei.chan@example.com', 'Mei Chan');
      const li = await aDonorRow(db, 'li.wei@example.cn', '李伟');
      hkd = (await aPaidGift(db, { campaignId: speech, donorId: mei, amount: 50_000, currency: 'HKD', fee: 1_700, name: 'Mei Chan', occurredAt: new Date('2026-02-10T04:00:00Z') })).id;
      const cnyGift = await aPaidGift(db, {
        campaignId: speech,
        donorId: li,
        amount: 75_000,
        currency: 'CNY',
        settlement: { amount: 81_000, currency: 'HKD', rate: '1.08' },
        fee: 2_700,
        name: '李伟',
        occurredAt: new Date('2026-03-05T04:00:00Z'),
      });
      cny = cnyGift.id;
      await aLedgerEntry(db, cnyGift, { kind: 'refund', amount: -25_000, settlement: { amount: -27_000, currency: 'HKD' } });
      await db.updateTable('donations').set({ status: 'partially_refunded' }).where('id', '=', cny).execute();
      usd = (await aPaidGift(db, { campaignId: general, donorId: mei, amount: 10_000, currency: 'USD', settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' }, fee: 2_400, occurredAt: new Date('2026-04-01T04:00:00Z') })).id;
    });

    it('lists gifts with their Stripe ids and totals each currency apart: gross, fee, net and settlement', async () => {
      const page = await finance.agent.get('/staff/finance/gifts?from=2026-01-01&to=2026-12-31').expect(200);
      expect(giftIdsOn(page.text)).toEqual([usd, cny, hkd]);
      const cnyRow = await t.database.db.selectFrom('donations').select(['stripe_payment_intent_id', 'stripe_charge_id']).where('id', '=', cny).executeTakeFirstOrThrow();
      expect(page.text).toContain(cnyRow.stripe_payment_intent_id!);
      expect(page.text).toContain(cnyRow.stripe_charge_id!);

      // Gift currency, gifts, given, refunded, gross kept | settled in, settlement, fee, net.
      expect(totalsLine(page.text, 'HKD', 'HKD')).toBe('HKD 1 HK$500.00 HK$0.00 HK$500.00 HKD HK$500.00 HK$17.00 HK$483.00');
      expect(totalsLine(page.text, 'CNY', 'HKD')).toBe('CNY 1 CN¥750.00 -CN¥250.00 CN¥500.00 HKD HK$540.00 HK$27.00 HK$513.00');
      expect(totalsLine(page.text, 'USD', 'HKD')).toBe('USD 1 US$100.00 US$0.00 US$100.00 HKD HK$780.00 HK$24.00 HK$756.00');
    });

    it('filters by date, campaign, currency, status, method and donor', async () => {
      const ids = async (query: string) => giftIdsOn((await finance.agent.get(`/staff/finance/gifts?${query}`).expect(200)).text);
      expect(await ids('from=2026-03-01&to=2026-03-31')).toEqual([cny]);
      expect(await ids('campaign=speech-therapy-fund')).toEqual([cny, hkd]);
      expect(await ids('currency=usd')).toEqual([usd]);
      expect(await ids('status=partially_refunded')).toEqual([cny]);
      expect(await ids('method=card&campaign=general')).toEqual([usd]);
      expect(await ids('donor=MEI.CHAN')).toEqual([usd, hkd]);
      expect(await ids(`donor=${encodeURIComponent('李')}`)).toEqual([cny]);
      expect(await ids('donor=%25')).toEqual([]);
      // The donor's record by part of its email, and a _ that is only an underscore, not LIKE's any-one-character.
      expect(await ids('donor=wei%40example')).toEqual([cny]);
      expect(await ids('donor=mei_chan')).toEqual([]);

      const speechOnly = await finance.agent.get('/staff/finance/gifts?campaign=speech-therapy-fund').expect(200);
      expect(totalsLine(speechOnly.text, 'USD', 'HKD')).toBeUndefined();
      expect(totalsLine(speechOnly.text, 'HKD', 'HKD')).toContain('HK$500.00');
    });

    it('leaves unfinished checkouts out of the list and every count, and lists them only when asked', async () => {
      const db = t.database.db;
      const unfinished = async (status: 'pending' | 'expired', name: string) => {
        const { id } = await db
          .insertInto('donations')
          .values({ campaign_id: speech, frequency: 'once', amount: 30_000, currency: 'HKD', status, origin: 'checkout', donor_name: name, message: '', succeeded_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.updateTable('donations').set({ created_at: new Date('2026-03-10T04:00:00Z') }).where('id', '=', id).execute();
        return id;
      };
      const started = await unfinished('pending', 'Started Never Paid');
      const abandoned = await unfinished('expired', 'Gave Up Waiting');

      const page = await finance.agent.get('/staff/finance/gifts?from=2026-01-01&to=2026-12-31').expect(200);
      expect(giftIdsOn(page.text)).toEqual([usd, cny, hkd]);
      expect(decodeEntities(page.text)).toContain('<h2>3 gifts</h2>');
      expect(page.text).not.toContain('Started Never Paid');
      expect(totalsLine(page.text, 'HKD', 'HKD')).toBe('HKD 1 HK$500.00 HK$0.00 HK$500.00 HKD HK$500.00 HK$17.00 HK$483.00');
      expect(decodeEntities(page.text)).toContain('href="/staff/finance/gifts?from=2026-01-01&to=2026-12-31&status=unfinished"');
      expect(giftIdsOn((await finance.agent.get('/staff/finance/gifts?currency=HKD').expect(200)).text)).toEqual([hkd]);

      const asked = await finance.agent.get('/staff/finance/gifts?from=2026-01-01&to=2026-12-31&status=unfinished').expect(200);
      expect(giftIdsOn(asked.text).sort()).toEqual([started, abandoned].sort());
      expect(decodeEntities(asked.text)).toContain('2 unfinished checkouts (started, never paid): not gifts, and not counted');
      expect(decodeEntities(asked.text)).not.toMatch(/<h2>\d+ gifts?<\/h2>/);
      expect(totalsLine(asked.text, 'HKD', 'HKD')).toBeUndefined();
      expect(giftIdsOn((await finance.agent.get('/staff/finance/gifts?status=pending').expect(200)).text)).toEqual([started]);
    });

    it('answers a bad filter with a message, never a 500, and applies the good ones', async () => {
      const page = await finance.agent.get('/staff/finance/gifts?from=2026-02-30&to=yesterday&currency=dollars&status=lost&method=gold&page=0&campaign=Robert%27);').expect(422);
      for (const message of ['“From” must be a date', '“To” must be a date', 'A currency is three letters', 'Choose a status', 'Choose a payment method', 'The page number', 'Choose a campaign']) {
        expect(decodeEntities(page.text)).toContain(message);
      }
      expect(giftIdsOn(page.text)).toEqual([usd, cny, hkd]);
      const reversed = await finance.agent.get('/staff/finance/gifts?from=2026-05-01&to=2026-01-01&currency=CNY').expect(422);
      expect(decodeEntities(reversed.text)).toContain('“From” must not be after “To”.');
      expect(giftIdsOn(reversed.text)).toEqual([]);
      const repeated = await finance.agent.get('/staff/finance/gifts?currency=HKD&currency=CNY').expect(200);
      expect(giftIdsOn(repeated.text)).toEqual([hkd]);
      await finance.agent.get('/staff/finance/exports/gifts.csv?from=nonsense').expect(422);
    });

    it('shows one gift with its donor, ledger rows and Stripe ids', async () => {
      const page = await finance.agent.get(`/staff/finance/gifts/${cny}`).expect(200);
      const text = decodeEntities(page.text);
      expect(text).toContain('李伟');
      expect(text).toContain('li.wei@example.cn');
      expect(text).toContain('partially refunded');
      expect([...page.text.matchAll(/<tr data-kind="(\w+)">/g)].map((m) => m[1])).toEqual(['gift', 'refund']);
      expect(text).toContain('-CN¥250.00');
      await finance.agent.get('/staff/finance/gifts/not-a-gift').expect(404);
      await finance.agent.get('/staff/finance/gifts/00000000-0000-4000-8000-000000000000').expect(404);
    });
  });

  describe('offline gifts', () => {
    const aCheque = (overrides: Record<string, string> = {}) => ({
      donor_type: 'chamber_of_commerce',
      donor_name: '香港中华总商会',
      donor_email: '',
      amount: '12,000',
      currency: 'HKD',
      method: 'cheque',
      reference: 'HSBC 004512',
      received_on: '2026-03-02',
      campaign: 'speech-therapy-fund',
      locale: 'zh-CN',
      ...overrides,
    });
    const raised = async (slug: string) => (await request(t.app).get(`/api/campaigns/${slug}`).expect(200)).body as { raised: { amount: number }; donors: number; raisedByCurrency: Array<{ amount: number; currency: string }> };

    it('refuses an incomplete form, naming each field, and records nothing', async () => {
      const before = await t.database.db.selectFrom('donations').select('id').where('origin', '=', 'offline').execute();
      const page = await finance.post('/staff/finance/offline-gifts', { donor_type: 'guild', donor_name: '', donor_email: 'not-an-email', amount: '12.345', currency: 'HKD', method: 'barter', received_on: '2999-01-01', campaign: 'nowhere' }).expect(422);
      const text = decodeEntities(page.text);
      for (const message of ['Choose who gave.', 'Enter the donor’s or organisation’s name', 'Enter an email address like', 'Choose the campaign', 'Choose how the money came.']) expect(text).toContain(message);
      const badDate = await finance.post('/staff/finance/offline-gifts', aCheque({ received_on: '2999-01-01', amount: '12.345' })).expect(422);
      expect(decodeEntities(badDate.text)).toContain('The date received cannot be in the future.');
      expect(decodeEntities(badDate.text)).toContain('Too many decimal places for HKD.');
      const comma = await finance.post('/staff/finance/offline-gifts', aCheque({ amount: '12,00' })).expect(422);
      expect(decodeEntities(comma.text)).toContain('Use a point for decimals: 5000.50, not 5000,50.');
      const badCurrency = await finance.post('/staff/finance/offline-gifts', aCheque({ currency: 'EUR' })).expect(422);
      expect(decodeEntities(badCurrency.text)).toContain('This campaign takes HKD, CNY, USD.');
      expect(inputValue(badCurrency.text, 'offline-donor-name')).toBe('香港中华总商会');
      expect(await t.database.db.selectFrom('donations').select('id').where('origin', '=', 'offline').execute()).toEqual(before);
    });

    it('needs the CSRF token: a forged form records nothing', async () => {
      await finance.agent.post('/staff/finance/offline-gifts').type('form').send(aCheque({ donor_name: 'Forged Ltd' })).expect(403);
      await finance.agent.post('/staff/finance/offline-gifts').type('form').send({ _csrf: 'forged', ...aCheque({ donor_name: 'Forged Ltd' }) }).expect(403);
      expect(await t.database.db.selectFrom('donations').select('id').where('donor_name', '=', 'Forged Ltd').execute()).toEqual([]);
    });

    it('records a cheque from an organisation: ledger row as its own settlement, receipt, audit, campaign total', async () => {
      const db = t.database.db;
      const before = await raised('speech-therapy-fund');
      const res = await finance.post('/staff/finance/offline-gifts', aCheque()).expect(303);
      const id = /\/staff\/finance\/gifts\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;

      const donation = await db.selectFrom('donations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(donation).toMatchObject({ origin: 'offline', status: 'succeeded', amount: 1_200_000, currency: 'HKD', donor_id: null, donor_name: '香港中华总商会', donor_type: 'chamber_of_commerce', payment_method: 'cheque', anonymous: true });
      const ledger = await db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).execute();
      expect(ledger).toMatchObject([
        { kind: 'gift', source: 'offline', amount: 1_200_000, currency: 'HKD', settlement_amount: 1_200_000, settlement_currency: 'HKD', fee: 0, net: 1_200_000, exchange_rate: null, stripe_object_id: null, method: 'cheque', reference: 'HSBC 004512' },
      ]);
      expect(ledger[0]!.occurred_at.toISOString()).toBe('2026-03-02T12:00:00.000Z');
      const receipt = await db.selectFrom('receipts').selectAll().where('donation_id', '=', id).executeTakeFirstOrThrow();
      expect(receipt.number).toMatch(/^2026-\d{6}$/);
      expect(await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', '=', `receipt-${id}`).execute()).toHaveLength(1);
      const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).execute();
      expect(audit).toMatchObject([{ action: 'gift.offline_recorded', after: { amount: '12000.00', currency: 'HKD', method: 'cheque', donor_type: 'chamber_of_commerce' } }]);

      const after = await raised('speech-therapy-fund');
      expect(after.raised.amount - before.raised.amount).toBe(1_200_000);
      expect(after.donors - before.donors).toBe(1);

      const page = await finance.agent.get(String(res.headers.location)).expect(200);
      expect(decodeEntities(page.text)).toContain('The offline gift is recorded');
      expect(page.text).toContain(receipt.number);
      expect(page.text).not.toContain('Refund through Stripe');
      // Its receipt as a PDF, made out to the chamber, a click away.
      const pdfPath = /href="(\/receipts\/[^"]+\/pdf)"/.exec(page.text)?.[1];
      const pdf = await downloadBytes(t.app, pdfPath!);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(await pdfText(pdf.body)).toContain('香港中华总商会');
    });

    it('counts an organisation that gives twice under one email as one donor', async () => {
      const before = await raised('general');
      for (const amount of ['300', '200']) {
        await finance.post('/staff/finance/offline-gifts', aCheque({ donor_type: 'enterprise', donor_name: 'Harbour Dental Ltd', donor_email: 'giving@harbourdental.hk', amount, currency: 'USD', method: 'bank_transfer', campaign: 'general', locale: 'en' })).expect(303);
      }
      const after = await raised('general');
      expect(after.raised.amount - before.raised.amount).toBe(50_000);
      expect(after.donors - before.donors).toBe(1);
      const donor = await t.database.db.selectFrom('donors').selectAll().where('email', '=', 'giving@harbourdental.hk').executeTakeFirstOrThrow();
      expect(donor).toMatchObject({ name: 'Harbour Dental Ltd', donor_type: 'enterprise' });
    });

    it('corrects a mistake with a reversal row and a new row, never an edit, and the totals follow', async () => {
      const db = t.database.db;
      const speechBefore = await raised('speech-therapy-fund');
      const generalBefore = await raised('general');
      const res = await finance.post('/staff/finance/offline-gifts', aCheque({ donor_name: 'Kowloon Lions Federation', donor_type: 'charity_federation', amount: '8000' })).expect(303);
      const id = /([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      const [original] = await db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).execute();

      const page = await finance.agent.get(`/staff/finance/gifts/${id}`).expect(200);
      expect(inputValue(page.text, 'correct-amount')).toBe('8000.00');
      // Nothing changed is not a correction; a reason is required.
      const same = await finance.post(`/staff/finance/gifts/${id}/correction`, { ...aCheque({ donor_name: 'Kowloon Lions Federation', donor_type: 'charity_federation', amount: '8000' }), reason: 'typo' }).expect(422);
      expect(decodeEntities(same.text)).toContain('Nothing has changed');
      await finance.post(`/staff/finance/gifts/${id}/correction`, { ...aCheque({ donor_type: 'charity_federation', donor_name: 'Kowloon Lions Federation', amount: '800', campaign: 'general' }), reason: '' }).expect(422);

      // The cheque was for HK$800, and for the general fund.
      const fix = { ...aCheque({ donor_type: 'charity_federation', donor_name: 'Kowloon Lions Federation', amount: '800', campaign: 'general' }), reason: 'Typed one zero too many; the covering letter names the general fund.' };
      await finance.post(`/staff/finance/gifts/${id}/correction`, fix).expect(303);
      const ledger = await db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).orderBy('id').execute();
      expect(ledger.map((e) => [e.kind, e.amount, e.campaign_id, e.corrects_entry_id])).toEqual([
        ['gift', 800_000, speech, null],
        ['reversal', -800_000, speech, original!.id],
        ['gift', 80_000, general, original!.id],
      ]);
      expect(ledger[0]).toEqual(original);
      expect(await db.selectFrom('donations').select(['amount', 'campaign_id', 'status']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ amount: 80_000, campaign_id: general, status: 'succeeded' });

      const speechAfter = await raised('speech-therapy-fund');
      const generalAfter = await raised('general');
      expect(speechAfter.raised.amount).toBe(speechBefore.raised.amount);
      expect(speechAfter.donors).toBe(speechBefore.donors);
      // The general fund counts in USD; HK$800 comes in at Stripe's latest recorded HKD rate, or stays apart.
      const hkdInGeneral = (m: typeof generalAfter) => m.raisedByCurrency.find((c) => c.currency === 'HKD')?.amount ?? 0;
      expect(hkdInGeneral(generalAfter) - hkdInGeneral(generalBefore)).toBe(80_000);
      expect(generalAfter.donors - generalBefore.donors).toBe(1);

      // A second correction reverses the corrected row, not the original one again.
      await finance.post(`/staff/finance/gifts/${id}/correction`, { ...fix, amount: '850', reason: 'The bank credited HK$850.' }).expect(303);
      const again = await db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).orderBy('id').execute();
      expect(again.slice(3).map((e) => [e.kind, e.amount, e.corrects_entry_id])).toEqual([
        ['reversal', -80_000, ledger[2]!.id],
        ['gift', 85_000, ledger[2]!.id],
      ]);
      expect(again.reduce((sum, e) => sum + e.amount, 0)).toBe(85_000);

      const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['gift.offline_recorded', 'gift.offline_corrected', 'gift.offline_corrected']);
      expect(audit[1]).toMatchObject({ before: { amount: '8000.00', campaign_id: speech }, after: { amount: '800.00', campaign_id: general, reason: fix.reason } });
      expect(await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'like', `receipt-${id}%`).execute()).toHaveLength(3);
      // Each change of amount voided the receipt that stood and numbered one for the new amount, citing it.
      const receipts = await db.selectFrom('receipts').selectAll().where('donation_id', '=', id).orderBy('sequence').execute();
      expect(receipts.map((r) => [r.amount, r.void_reason, r.replaces_receipt_id])).toEqual([
        [800_000, 'correction', null],
        [80_000, 'correction', receipts[0]!.id],
        [85_000, null, receipts[1]!.id],
      ]);
      await expect(db.updateTable('ledger_entries').set({ amount: 1 }).where('donation_id', '=', id).execute()).rejects.toThrow(/append-only/);
    });

    it('moves the receipt to the corrected day: the old one void, a replacement dated as corrected, so the gift counts in its right year', async () => {
      const db = t.database.db;
      const res = await finance.post('/staff/finance/offline-gifts', aCheque({ donor_name: 'April Chan', received_on: '2026-04-02' })).expect(303);
      const id = /([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      await finance.post(`/staff/finance/gifts/${id}/correction`, { ...aCheque({ donor_name: 'April Chan', received_on: '2026-03-30' }), reason: 'The cheque was banked before the year ended.' }).expect(303);
      const receipts = await db.selectFrom('receipts').selectAll().where('donation_id', '=', id).orderBy('sequence').execute();
      expect(receipts.map((r) => [r.given_at.toISOString().slice(0, 10), r.void_reason, r.replaces_receipt_id])).toEqual([
        ['2026-04-02', 'correction', null],
        ['2026-03-30', null, receipts[0]!.id],
      ]);
    });

    it('keeps what the bank credited for a gift it converted, with the rate, so the gift counts in other currencies; both fields or neither', async () => {
      const db = t.database.db;
      const usdCheque = aCheque({ donor_name: 'Pacific Rim Dental', donor_type: 'enterprise', amount: '700', currency: 'USD', campaign: 'general', locale: 'en' });
      const onlyAmount = await finance.post('/staff/finance/offline-gifts', { ...usdCheque, credited_amount: '5460' }).expect(422);
      expect(decodeEntities(onlyAmount.text)).toContain('Choose the currency the bank credited, other than the gift’s own, or leave both fields empty.');
      const sameCurrency = await finance.post('/staff/finance/offline-gifts', { ...usdCheque, credited_amount: '700', credited_currency: 'USD' }).expect(422);
      expect(decodeEntities(sameCurrency.text)).toContain('Choose the currency the bank credited');
      const noSuchCurrency = await finance.post('/staff/finance/offline-gifts', { ...usdCheque, credited_amount: '5460', credited_currency: 'ZZZ' }).expect(422);
      expect(decodeEntities(noSuchCurrency.text)).toContain('Choose the currency the bank credited');
      const badAmount = await finance.post('/staff/finance/offline-gifts', { ...usdCheque, credited_amount: '5,46', credited_currency: 'HKD' }).expect(422);
      expect(decodeEntities(badAmount.text)).toContain('Use a point for decimals');
      expect(await db.selectFrom('donations').select('id').where('donor_name', '=', 'Pacific Rim Dental').execute()).toEqual([]);

      // Paid into the charity's euro account, a pair no other gift here has: the rates below are this gift's alone.
      const res = await finance.post('/staff/finance/offline-gifts', { ...usdCheque, credited_amount: '640.00', credited_currency: 'EUR' }).expect(303);
      const id = /([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      const [row] = await db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).execute();
      expect(row).toMatchObject({ amount: 70_000, currency: 'USD', settlement_amount: 64_000, settlement_currency: 'EUR', fee: 0, net: 64_000, exchange_rate: '0.91428571' });
      // The gift and its receipt stay in the currency it was given in.
      expect(await db.selectFrom('donations').select(['amount', 'currency']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ amount: 70_000, currency: 'USD' });

      // The correction form shows what was credited; a correction takes the credited money back too.
      const page = await finance.agent.get(`/staff/finance/gifts/${id}`).expect(200);
      expect(inputValue(page.text, 'correct-credited-amount')).toBe('640.00');
      await finance.post(`/staff/finance/gifts/${id}/correction`, { ...usdCheque, credited_amount: '645', credited_currency: 'EUR', reason: 'The bank statement says €645.' }).expect(303);
      const rows = await db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).orderBy('id').execute();
      expect(rows.map((e) => [e.kind, e.amount, e.currency, e.settlement_amount, e.settlement_currency, e.exchange_rate])).toEqual([
        ['gift', 70_000, 'USD', 64_000, 'EUR', '0.91428571'],
        ['reversal', -70_000, 'USD', -64_000, 'EUR', '0.91428571'],
        ['gift', 70_000, 'USD', 64_500, 'EUR', '0.92142857'],
      ]);
      const audit = await db.selectFrom('audit_log').select('after').where('subject_id', '=', id).orderBy('id').execute();
      expect(audit.map((a) => (a.after as { credited: string }).credited)).toEqual(['640.00 EUR', '645.00 EUR']);
      // The rate other money is counted at is the corrected one: never the mistake, nor its reversal, dated later.
      expect(await findRecordedRate(db, 'USD', 'EUR')).toBe('0.92142857');
    });

    it('exports gifts and donors as CSV with a BOM, amounts in major units beside their currency', async () => {
      const gifts = await finance.agent.get('/staff/finance/exports/gifts.csv?method=cheque').buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      }).expect(200);
      const text = gifts.body as string;
      expect(gifts.headers['content-type']).toBe('text/csv; charset=utf-8');
      // Times are the organisation's, and the column says so: the cheque received on 2 March is dated noon UTC, 8 pm in Hong Kong.
      expect(text.startsWith('\uFEFFgift_id,date (Asia/Hong_Kong),status')).toBe(true);
      expect(text).toMatch(/,2026-03-02 20:00:00,succeeded,offline,cheque,/);
      expect(text).toContain(',chamber_of_commerce,,HKD,12000.00,0.00,0.00,12000.00,HKD,12000.00,0.00,12000.00,HSBC 004512,');
      expect(text).not.toContain('Harbour Dental');

      const donors = await finance.agent.get('/staff/finance/exports/donors.csv').buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      }).expect(200);
      expect((donors.body as string).startsWith('\uFEFFdonor_id,email,name,donor_type,locale,since (Asia/Hong_Kong),')).toBe(true);
      expect(donors.body as string).toMatch(/giving@harbourdental\.hk,Harbour Dental Ltd,enterprise,en,[^,]+,no,USD,2,500\.00,/);
    });
  });
});

describe('finance: refunds through Stripe', () => {
  let h: GivingHarness;
  let finance: StaffAgent;
  beforeAll(async () => {
    h = await startGivingHarness();
    const member = await aStaffMember(h.database.db, ['finance'], { name: 'Fiona Finance' });
    finance = await signInAs(h.url, member.email);
  });
  afterAll(() => h.stop());

  const campaignApi = async () => (await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200)).body as { raised: { amount: number }; donors: number };
  const ledgerOf = (id: string) => h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', id).orderBy('id').execute();
  const leftOn = (html: string) => decodeEntities(/<strong data-left>([^<]*)<\/strong>/.exec(html)?.[1] ?? '');
  const attemptOn = (html: string) => /name="attempt" value="(\d+)"/.exec(html)![1]!;

  async function aPaidCardGift(email: string) {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '500', email }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.settle();
    return h.donation(donation.id);
  }

  it('refunds part and then the rest from the gift page; the ledger moves only when Stripe confirms, and a double submit refunds once', async () => {
    const gift = await aPaidCardGift('refund.me@example.com');
    const before = await campaignApi();
    const page = await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200);
    expect(leftOn(page.text)).toBe('HK$500.00');
    expect(csrfOf(page.text)).toBe(finance.csrf);

    // Too much, a bad amount, no reason: nothing reaches Stripe.
    const tooMuch = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '500.01', reason: 'Asked by the donor', attempt: attemptOn(page.text) }).expect(422);
    expect(decodeEntities(tooMuch.text)).toContain('At most HK$500.00 is left to refund.');
    const bad = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '12.345', reason: '', attempt: attemptOn(page.text) }).expect(422);
    expect(decodeEntities(bad.text)).toContain('Say why this gift is refunded');
    // A decimal comma once refunded HK$1,250 for "12,50": now it is refused beside the amount.
    const comma = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '12,50', reason: 'Asked by the donor', attempt: attemptOn(page.text) }).expect(422);
    expect(decodeEntities(comma.text)).toMatch(/id="refund-amount"[^>]*aria-invalid="true"[^>]*>\s*<p class="field-error">Use a point for decimals: 12.50, not 12,50\./);
    expect(inputValue(comma.text, 'refund-amount')).toBe('12,50');
    expect(await h.database.db.selectFrom('refund_requests').select('id').where('donation_id', '=', gift.id).execute()).toEqual([]);
    await finance.agent.post(`/staff/finance/gifts/${gift.id}/refunds`).type('form').send({ amount: '120', reason: 'forged', attempt: '1' }).expect(403);
    expect((await h.stripe.refunds.list({ payment_intent: gift.stripe_payment_intent_id! })).data).toEqual([]);

    // HK$120 back, with Stripe's webhooks held: the ledger waits for them.
    h.emulator.holdWebhooks();
    const form = { amount: '120', reason: 'The donor gave twice by mistake', attempt: attemptOn(page.text) };
    const first = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, form).expect(303);
    expect(first.headers.location).toBe(`/staff/finance/gifts/${gift.id}?refund=requested`);
    const twice = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, form).expect(303);
    expect(twice.headers.location).toBe(`/staff/finance/gifts/${gift.id}?refund=repeated`);
    expect((await ledgerOf(gift.id)).map((e) => e.kind)).toEqual(['gift']);
    const pending = await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200);
    expect(leftOn(pending.text)).toBe('HK$380.00');
    await h.emulator.releaseWebhooks();
    await h.settle();

    const refunds = (await h.stripe.refunds.list({ payment_intent: gift.stripe_payment_intent_id! })).data;
    expect(refunds.map((r) => r.amount)).toEqual([12_000]);
    expect((await h.donation(gift.id)).status).toBe('partially_refunded');
    expect((await ledgerOf(gift.id)).map((e) => [e.kind, e.amount, e.stripe_object_id])).toEqual([
      ['gift', 50_000, gift.stripe_charge_id],
      ['refund', -12_000, refunds[0]!.id],
    ]);
    expect((await campaignApi()).raised.amount).toBe(before.raised.amount - 12_000);
    const audit = await h.database.db.selectFrom('audit_log').selectAll().where('subject_id', '=', gift.id).execute();
    expect(audit).toMatchObject([{ action: 'gift.refund_requested', after: { amount: 12_000, currency: 'HKD', reason: 'The donor gave twice by mistake', attempt: 1 } }]);

    // The rest, with the button pressed twice at once.
    const again = await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200);
    expect(attemptOn(again.text)).toBe('2');
    expect(inputValue(again.text, 'refund-amount')).toBe('380.00');
    const rest = { amount: '380', reason: 'The donor asked for all of it back', attempt: '2' };
    const answers = await Promise.all([finance.post(`/staff/finance/gifts/${gift.id}/refunds`, rest), finance.post(`/staff/finance/gifts/${gift.id}/refunds`, rest)]);
    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    await h.settle();
    expect((await h.stripe.refunds.list({ payment_intent: gift.stripe_payment_intent_id! })).data.map((r) => r.amount).sort()).toEqual([12_000, 38_000]);
    expect((await h.donation(gift.id)).status).toBe('refunded');
    expect((await ledgerOf(gift.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['gift', 50_000],
      ['refund', -12_000],
      ['refund', -38_000],
    ]);
    expect(await campaignApi()).toMatchObject({ raised: { amount: before.raised.amount - 50_000 }, donors: before.donors - 1 });
    const done = await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200);
    expect(done.text).not.toContain('Refund through Stripe');
    expect(await h.database.db.selectFrom('refund_requests').select(['attempt', 'amount', 'status']).where('donation_id', '=', gift.id).orderBy('attempt').execute()).toEqual([
      { attempt: 1, amount: 12_000, status: 'accepted' },
      { attempt: 2, amount: 38_000, status: 'accepted' },
    ]);
  });

  it('shows a friendly error when Stripe refuses, and the next attempt starts afresh', async () => {
    const gift = await aPaidCardGift('refused@example.com');
    const page = await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200);
    // Refunded in Stripe's Dashboard a moment ago; its webhook has not arrived yet.
    h.emulator.holdWebhooks();
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id! });
    const refused = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '500', reason: 'Asked by the donor', attempt: attemptOn(page.text) }).expect(409);
    expect(decodeEntities(refused.text)).toMatch(/Stripe refused this refund: .*already been refunded/);
    expect(attemptOn(refused.text)).toBe('2');
    await h.emulator.releaseWebhooks();
    await h.settle();
    expect((await h.donation(gift.id)).status).toBe('refunded');
    const audit = await h.database.db.selectFrom('audit_log').select('action').where('subject_id', '=', gift.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['gift.refund_requested', 'gift.refund_refused']);
    expect((await h.stripe.refunds.list({ payment_intent: gift.stripe_payment_intent_id! })).data).toHaveLength(1);
  });

  it('sends an unanswered refund again only after finding Stripe never made it, even once Stripe has forgotten its idempotency key', async () => {
    const db = h.database.db;
    const gift = await aPaidCardGift('unanswered@example.com');
    const staffId = (await db.selectFrom('staff_members').select('id').where('name', '=', 'Fiona Finance').executeTakeFirstOrThrow()).id;
    // Sent a day ago; Stripe made the refund but its answer was lost, and the key it kept has lapsed.
    const request = await db
      .insertInto('refund_requests')
      .values({ donation_id: gift.id, attempt: 1, amount: 12_000, currency: 'HKD', reason: 'The donor gave twice by mistake', requested_by: staffId })
      .returningAll()
      .executeTakeFirstOrThrow();
    const made = await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 12_000, metadata: { donation_id: gift.id, refund_request: String(request.id) } });
    await h.settle();

    const page = await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200);
    expect(attemptOn(page.text)).toBe('1');
    const again = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '120', reason: 'The donor gave twice by mistake', attempt: '1' }).expect(303);
    expect(again.headers.location).toBe(`/staff/finance/gifts/${gift.id}?refund=repeated`);
    await h.settle();
    expect((await h.stripe.refunds.list({ payment_intent: gift.stripe_payment_intent_id! })).data.map((r) => r.id)).toEqual([made.id]);
    expect(await db.selectFrom('refund_requests').select(['status', 'stripe_refund_id']).where('id', '=', request.id).executeTakeFirstOrThrow()).toEqual({ status: 'accepted', stripe_refund_id: made.id });
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', gift.id).orderBy('id').execute();
    expect(audit).toMatchObject([{ action: 'gift.refund_accepted', staff_id: staffId, after: { attempt: 1, stripe_refund_id: made.id } }]);
    expect(attemptOn((await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200)).text)).toBe('2');
  });

  it('reads each refund in the audit log as a sentence, at a time in the organisation’s zone', async () => {
    const db = h.database.db;
    const admin = await signInAs(h.url, (await aStaffMember(db, ['admin'])).email);
    const page = await admin.agent.get('/staff/audit').expect(200);
    const text = decodeEntities(page.text);
    const requested = await db.selectFrom('audit_log').select(['at', 'subject_id', 'after']).where('action', '=', 'gift.refund_requested').orderBy('id').executeTakeFirstOrThrow();
    const after = requested.after as { amount: number; reason: string };
    const amount = `HK$${(after.amount / 100).toLocaleString('en', { minimumFractionDigits: 2 })}`;
    expect(text).toContain(`Fiona Finance refunded ${amount} of gift ${requested.subject_id.slice(0, 8)}: “${after.reason}”.`);
    expect(text).toContain(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Hong_Kong' }).format(requested.at));
    expect(text).toContain(`href="/staff/finance/gifts/${requested.subject_id}"`);
    expect(text).not.toMatch(/GMT|Coordinated Universal Time/);
  });

  it('does not send an unanswered refund again when the gift no longer has that much left', async () => {
    const db = h.database.db;
    const gift = await aPaidCardGift('nothing.left@example.com');
    const staffId = (await db.selectFrom('staff_members').select('id').where('name', '=', 'Fiona Finance').executeTakeFirstOrThrow()).id;
    const request = await db
      .insertInto('refund_requests')
      .values({ donation_id: gift.id, attempt: 1, amount: 30_000, currency: 'HKD', reason: 'Asked by the donor', requested_by: staffId })
      .returningAll()
      .executeTakeFirstOrThrow();
    // It never reached Stripe, and since then HK$400 of the gift has left the ledger: Stripe alone would still refund HK$300.
    await aLedgerEntry(db, gift, { kind: 'dispute', amount: -40_000 });
    const refused = await finance.post(`/staff/finance/gifts/${gift.id}/refunds`, { amount: '300', reason: 'Asked by the donor', attempt: '1' }).expect(409);
    expect(decodeEntities(refused.text)).toContain('Only HK$100.00 is left to refund, so it was not sent again.');
    expect((await h.stripe.refunds.list({ payment_intent: gift.stripe_payment_intent_id! })).data).toEqual([]);
    expect(await db.selectFrom('refund_requests').select('status').where('id', '=', request.id).executeTakeFirstOrThrow()).toEqual({ status: 'refused' });
    expect(attemptOn(refused.text)).toBe('2');
  });

  it('receipts an offline gift by email and counts it in the campaign total', async () => {
    const before = await campaignApi();
    const page = await finance.agent.get('/staff/finance/offline-gifts').expect(200);
    expect(page.text).toContain('Record the gift');
    const mailBefore = h.mail.messages.length;
    await finance
      .post('/staff/finance/offline-gifts', {
        donor_type: 'person',
        donor_name: '王小明',
        donor_email: 'wang.xiaoming@example.cn',
        amount: '2,000',
        currency: 'HKD',
        method: 'bank_transfer',
        reference: 'FPS 8830021',
        received_on: dayIn(testNow, 'Asia/Hong_Kong'),
        campaign: 'speech-therapy-fund',
        locale: 'zh-CN',
        show_name: 'yes',
      })
      .expect(303);
    expect(await campaignApi()).toMatchObject({ raised: { amount: before.raised.amount + 200_000 }, donors: before.donors + 1 });
    await h.mail.waitFor(mailBefore + 1);
    const [receipt] = h.mail.to('wang.xiaoming@example.cn');
    expect(receipt!.text).toContain('王小明');
    expect(receipt!.text).toMatch(/HK\$2,000\.00/);
    expect(receipt!.text).toContain('银行转账');
  });
});
