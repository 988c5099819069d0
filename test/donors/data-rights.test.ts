// A donor’s data rights (#18): everything held about them as a download, and being forgotten while the
// gifts, receipts and ledger rows the law keeps stay, unlinked from them, and finance’s totals do not move.
import { createServer } from 'node:net';
import request from 'supertest';
import Stripe from 'stripe';
import { closeContext, openContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { eraseDonor, PlansNotStopped } from '../../server/donors/data-rights/erasure';
import { notSentErased } from '../../server/donors/data-rights/erasure.repository';
import { redactStripeEvent, redactTypedText, type PersonalTexts } from '../../server/donors/data-rights/redaction';
import { messages } from '../../server/i18n/messages';
import { relayOutbox } from '../../server/outbox/outbox';
import { oweEmail } from '../../server/outbox/outbox.repository';
import { receiptPath } from '../../server/receipts/receipt.view';
import { csvRows, minorUnits } from '../support/csv';
import { bytesOf } from '../support/pdf';
import { startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities, fieldError } from '../support/html';
import { aStaffMember, downloadText, signInAs } from '../support/staff';
import { waitUntil } from '../support/wait';
import { askForLink, csrfOf, giveAndPay, linkIn, signIn, signInMails, useLink } from './account-helpers';

describe('a donor’s data rights', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const db = () => h.database.db;
  const donorById = (id: number) => db().selectFrom('donors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const giftsOf = (donorId: number) => db().selectFrom('donations').selectAll().where('donor_id', '=', donorId).orderBy('id').execute();
  const receiptsOf = (donationIds: string[]) => db().selectFrom('receipts').select(['id', 'donation_id', 'number', 'amount', 'currency', 'voided_at']).where('donation_id', 'in', donationIds).orderBy('number').execute();
  const ledgerOf = (donationIds: string[]) => db().selectFrom('ledger_entries').selectAll().where('donation_id', 'in', donationIds).orderBy('id').execute();
  const auditOf = (donorId: number) => db().selectFrom('audit_log').selectAll().where('subject_type', '=', 'donor').where('subject_id', '=', String(donorId)).orderBy('id').execute();
  const campaignPage = async (slug: string) => decodeEntities((await request(h.url).get(`/campaigns/${slug}`).expect(200)).text);

  /**
   * A donor with everything the platform can hold about a person: a one-off gift with a message and a
   * dedication and a yes to news, a monthly gift running at the emulator, and a signed-in browser.
   */
  async function aDonorWithEverything(email: string, name: string, words: { message: string; dedication: string }) {
    const once = await giveAndPay(h, { email, name, amount: '150', message: words.message, dedication_kind: 'honour', dedication_name: words.dedication, news: 'on' });
    const monthly = await giveAndPay(h, { email, name, amount: '200', frequency: 'month' });
    const plan = await db().selectFrom('recurring_plans').selectAll().where('id', '=', monthly.recurring_plan_id!).executeTakeFirstOrThrow();
    expect(plan.status).toBe('active');
    const donor = await signIn(h, email);
    return { once, monthly, plan, donor, donorId: once.donor_id! };
  }


  /** What finance adds up: the gifts CSV’s money columns summed per currency, and the campaigns’ kept totals and givers. */
  async function financeTotals(finance: Awaited<ReturnType<typeof signInAs>>) {
    const [header, ...rows] = csvRows(await downloadText(finance, '/staff/finance/exports/gifts.csv'));
    const column = (name: string) => header!.indexOf(name);
    const sums: Record<string, number> = {};
    for (const row of rows) {
      const currency = row[column('currency')]!;
      const settlement = row[column('settlement_currency')] || currency;
      for (const [field, unit] of [['amount', currency], ['kept', currency], ['refunded', currency], ['settled', settlement], ['fee', settlement], ['net', settlement]] as const) {
        const value = row[column(field)];
        if (value) sums[`${field} ${unit}`] = (sums[`${field} ${unit}`] ?? 0) + minorUnits(value, unit);
      }
    }
    const totals = await db().selectFrom('campaign_totals').selectAll().orderBy('campaign_id').orderBy('currency').orderBy('settlement_currency').execute();
    const givers = await db().selectFrom('campaign_givers').selectAll().orderBy('campaign_id').orderBy('who').execute();
    return { gifts: rows.length, sums, totals, givers, csv: rows.map((row) => row.join(',')).join('\n') };
  }

  it('gives a donor everything held about them as JSON and as CSV, and each donor only their own', async () => {
    const mei = await aDonorWithEverything('mei.data@example.com', 'Mei Chan', { message: 'For the children of Guangxi', dedication: 'Grandma Lau' });
    const wing = await aDonorWithEverything('wing.data@example.com', 'Wing Lee', { message: 'Keep smiling', dedication: 'Uncle Ho' });
    const meiReceipts = await receiptsOf([mei.once.id, mei.monthly.id]);
    expect(meiReceipts).toHaveLength(2);

    const json = await mei.donor.agent.get('/account/data.json').expect(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(json.headers['cache-control']).toBe('private, no-store');
    const data = json.body;
    expect(data.profile).toMatchObject({ email: 'mei.data@example.com', name: 'Mei Chan', emailLanguage: 'en' });
    expect(data.profile.stripeCustomer).toMatch(/^cus_/);
    expect(data.newsConsents).toEqual([expect.objectContaining({ purpose: 'updates', granted: true, wording: messages.en['donate.news'], language: 'en', where: 'donate_form', gift: mei.once.id })]);
    const once = data.gifts.find((gift: { id: string }) => gift.id === mei.once.id);
    expect(once).toMatchObject({
      amount: '150.00',
      currency: 'HKD',
      status: 'succeeded',
      nameOnGift: 'Mei Chan',
      message: 'For the children of Guangxi',
      dedication: { kind: 'honour', name: 'Grandma Lau' },
      newsBoxTicked: { wording: messages.en['donate.news'] },
      campaign: { slug: 'speech-therapy-fund' },
    });
    expect(once.receipts).toEqual([expect.objectContaining({ number: meiReceipts.find((r) => r.donation_id === mei.once.id)!.number, amount: '150.00', currency: 'HKD', voidedAt: null })]);
    expect(once.money).toEqual([expect.objectContaining({ kind: 'gift', amount: '150.00', currency: 'HKD' })]);
    expect(data.regularGifts).toEqual([expect.objectContaining({ id: mei.plan.id, amount: '200.00', currency: 'HKD', every: 'month', status: 'active' })]);
    expect(data.sessions.length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(data.sessions[0]).sort()).toEqual(['browser', 'expiresAt', 'lastSeenAt', 'signedInAt']);
    // The sessions’ and links’ token hashes are keys, not data about the donor: they never leave.
    const hashes = await db().selectFrom('donor_sessions').select('token_hash').where('donor_id', '=', mei.donorId).execute();
    for (const { token_hash } of hashes) expect(json.text).not.toContain(token_hash);
    expect(data.emails).toEqual(expect.arrayContaining([expect.objectContaining({ topic: 'receipt' }), expect.objectContaining({ topic: 'sign_in_link' })]));
    // Nothing of the other donor’s.
    for (const theirs of ['wing.data@example.com', 'Wing Lee', 'Keep smiling', 'Uncle Ho', wing.once.id, wing.plan.id]) expect(json.text).not.toContain(theirs);

    const csv = await bytesOf(mei.donor.agent.get('/account/data.csv'));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.headers['cache-control']).toBe('private, no-store');
    const rows = csvRows(csv.body.toString('utf8'));
    expect(rows[0]).toEqual(['section', 'record', 'field', 'value']);
    expect(rows).toContainEqual(['profile', '', 'email', 'mei.data@example.com']);
    expect(rows).toContainEqual(['profile', '', 'name', 'Mei Chan']);
    expect(rows).toContainEqual(['newsConsents', '1', 'wording', messages.en['donate.news']]);
    const onceRecord = rows.find((row) => row[0] === 'gifts' && row[2] === 'id' && row[3] === mei.once.id)![1];
    expect(rows).toContainEqual(['gifts', onceRecord, 'message', 'For the children of Guangxi']);
    expect(rows).toContainEqual(['gifts', onceRecord, 'dedication.name', 'Grandma Lau']);
    expect(rows).toContainEqual(['gifts', onceRecord, 'amount', '150.00']);
    expect(rows).toContainEqual(['gifts', onceRecord, 'receipts.1.number', meiReceipts.find((r) => r.donation_id === mei.once.id)!.number]);
    expect(rows).toContainEqual(['regularGifts', '1', 'status', 'active']);
    // On the organisation’s clock, as spreadsheets read a date and time.
    expect(rows.find((row) => row[0] === 'gifts' && row[1] === onceRecord && row[2] === 'paidAt')![3]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(csv.body).not.toContain('wing.data@example.com');

    // Wing’s download is Wing’s: there is no way to name another donor’s.
    const wings = await wing.donor.agent.get('/account/data.json').expect(200);
    expect(wings.body.profile.email).toBe('wing.data@example.com');
    for (const meis of ['mei.data@example.com', 'Mei Chan', 'For the children of Guangxi', mei.once.id]) expect(wings.text).not.toContain(meis);

    // Signed out, there is nothing to download.
    const stranger = await request(h.url).get('/account/data.json').expect(303);
    expect(stranger.headers.location).toBe('/account');
    await request(h.url).get('/account/data.csv').expect(303);

    // Each download is in the audit log, by the donor’s id and nothing else about them.
    expect((await auditOf(mei.donorId)).map((entry) => [entry.action, entry.staff_id, entry.after])).toEqual([
      ['donor.data_downloaded_json', null, { format: 'json' }],
      ['donor.data_downloaded_csv', null, { format: 'csv' }],
    ]);

    const account = decodeEntities((await mei.donor.agent.get('/account').expect(200)).text);
    expect(account).toContain('href="/account/data.json"');
    expect(account).toContain('href="/account/data.csv"');
    expect(account).toContain('href="/account/forget"');
  });

  it('changes nothing when the confirmation is not the account’s address', async () => {
    const kit = await aDonorWithEverything('kit.keep@example.com', 'Kit Lam', { message: 'Happy to help', dedication: 'Auntie May' });
    const before = await donorById(kit.donorId);

    const page = decodeEntities((await kit.donor.agent.get('/account/forget').expect(200)).text);
    expect(page).toContain('Hong Kong law requires financial records to be kept for seven years.');
    expect(page).toContain('HK$200.00 every month to');
    expect(page).toContain('Erased donor 7F3K');

    const wrong = await kit.donor.post('/account/forget', { confirm: 'someone.else@example.com' }).expect(422);
    expect(fieldError(decodeEntities(wrong.text), 'confirm')).toBe(messages.en['dataRights.forget.confirmWrong']);
    expect(decodeEntities(wrong.text)).toContain('value="someone.else@example.com"');
    const empty = await kit.donor.post('/account/forget', { confirm: '' }).expect(422);
    expect(fieldError(decodeEntities(empty.text), 'confirm')).toBe(messages.en['dataRights.forget.confirmMissing']);
    // Without the form’s token, nothing either.
    await kit.donor.agent.post('/account/forget').type('form').send({ confirm: 'kit.keep@example.com' }).expect(403);

    expect(await donorById(kit.donorId)).toEqual(before);
    expect((await h.stripe.subscriptions.retrieve(kit.plan.stripe_subscription_id!)).status).toBe('active');
    expect((await giftsOf(kit.donorId)).find((gift) => gift.id === kit.once.id)).toMatchObject({ message: 'Happy to help', dedication_name: 'Auntie May' });
    expect(await db().selectFrom('donor_consents').select('id').where('donor_id', '=', kit.donorId).execute()).toHaveLength(1);
    await kit.donor.agent.get('/account/data.json').expect(200);
    expect((await auditOf(kit.donorId)).map((entry) => entry.action)).toEqual(['donor.data_downloaded_json']);
  });

  it('forgets a donor: the plan stopped at Stripe first, the person gone, the gifts, receipts and ledger kept and finance’s totals unmoved', async () => {
    const email = 'ana.forget@example.com';
    const ana = await aDonorWithEverything(email, 'Ana Forgotten', { message: 'Love from Ana in Kowloon', dedication: 'Grandpa Forgotten' });
    const giftIds = [ana.once.id, ana.monthly.id];
    const admin = await signInAs(h.url, (await aStaffMember(db(), ['admin'])).email);
    const finance = await signInAs(h.url, (await aStaffMember(db(), ['finance'])).email);

    // A link asked for before, never used; and the campaign page naming her, kept in memory.
    await askForLink(h, email);
    const unusedLink = linkIn((await signInMails(h, email, 2)).at(-1)!)!;
    expect(await campaignPage('speech-therapy-fund')).toContain('Love from Ana in Kowloon');
    expect(await campaignPage('speech-therapy-fund')).toContain('Ana Forgotten');
    // A manager once hid her message and let it show again: the audit log quoted it.
    const manager = await signInAs(h.url, (await aStaffMember(db(), ['campaign_manager'])).email);
    await manager.post(`/staff/campaigns/speech-therapy-fund/messages/${ana.once.id}/hide`).expect(303);
    await manager.post(`/staff/campaigns/speech-therapy-fund/messages/${ana.once.id}/show`).expect(303);
    const quoted = () => db().selectFrom('audit_log').selectAll().where('subject_type', '=', 'donation').where('subject_id', '=', ana.once.id).orderBy('id').execute();
    const quotedBefore = await quoted();
    expect(quotedBefore.map((entry) => [entry.action, (entry.after as { message: string }).message])).toEqual([
      ['gift.message_hidden', 'Love from Ana in Kowloon'],
      ['gift.message_shown', 'Love from Ana in Kowloon'],
    ]);
    // Emails owed to her and not yet on their way (as while Redis is away): they must never leave.
    const owed = await db()
      .insertInto('outbox')
      .values([
        { topic: 'annual_statement', dedupe_key: `statement-waiting-${ana.donorId}`, payload: { donorId: ana.donorId, year: 2026 }, queued_at: new Date() },
        { topic: 'payment_failed', dedupe_key: `payment-failed-waiting-${ana.monthly.id}`, payload: { donationId: ana.monthly.id }, queued_at: new Date() },
      ])
      .returning('id')
      .execute();
    const anaEvents = await db().selectFrom('stripe_events').select('id').where(({ eb }) => eb(eb.fn('strpos', [eb.cast(eb.ref('payload'), 'text'), eb.val(email)]), '>', 0)).execute();
    expect(anaEvents.length).toBeGreaterThan(0);

    const financeBefore = await financeTotals(finance);
    const receiptsBefore = await receiptsOf(giftIds);
    const ledgerBefore = await ledgerOf(giftIds);
    const giftsBefore = await giftsOf(ana.donorId);
    expect(receiptsBefore).toHaveLength(2);
    expect(ledgerBefore.length).toBeGreaterThanOrEqual(2);

    const done = await ana.donor.post('/account/forget', { confirm: '  ANA.Forget@example.com ' }).expect(200);
    const page = decodeEntities(done.text);
    expect(page).toContain(messages.en['dataRights.forgotten.title']);
    expect(page).toContain(messages.en['dataRights.forgotten.plans']);
    expect(String(done.headers['set-cookie'])).toMatch(/sf_donor=;/);
    await h.settle();

    // The regular gift stopped at Stripe, and our plan followed its webhook.
    expect((await h.stripe.subscriptions.retrieve(ana.plan.stripe_subscription_id!)).status).toBe('canceled');
    expect(await db().selectFrom('recurring_plans').select('status').where('id', '=', ana.plan.id).executeTakeFirstOrThrow()).toEqual({ status: 'canceled' });

    // The person is gone: a pseudonym, an address nobody reads, no Stripe customer (not even after that webhook).
    const donor = await donorById(ana.donorId);
    expect(donor.name).toMatch(/^Erased donor [2-9A-HJKMNP-Z]{4}$/);
    expect(donor.email).toMatch(/^erased-[0-9a-f-]{36}@erased\.invalid$/);
    expect(donor.stripe_customer_id).toBeNull();
    expect(donor.erased_at).not.toBeNull();
    expect(page).toContain(`“${donor.name}”`);
    expect(await db().selectFrom('donors').select('id').where('email', 'ilike', email).execute()).toEqual([]);
    expect(await db().selectFrom('donor_consents').select('id').where('donor_id', '=', ana.donorId).execute()).toEqual([]);
    expect(await db().selectFrom('donor_sessions').select('donor_id').where('donor_id', '=', ana.donorId).execute()).toEqual([]);
    expect(await db().selectFrom('donor_sign_in_links').select('id').where('donor_id', '=', ana.donorId).execute()).toEqual([]);
    const stillNamed = await db()
      .selectFrom('stripe_events')
      .select('id')
      .where(({ eb, or }) => or([eb(eb.fn('strpos', [eb.fn('lower', [eb.cast(eb.ref('payload'), 'text')]), eb.val(email)]), '>', 0), eb(eb.fn('strpos', [eb.cast(eb.ref('payload'), 'text'), eb.val('Ana Forgotten')]), '>', 0)]))
      .execute();
    expect(stillNamed).toEqual([]);
    expect(await db().selectFrom('outbox').select('id').where(({ eb }) => eb(eb.fn('strpos', [eb.fn('lower', [eb.cast(eb.ref('payload'), 'text')]), eb.val(email)]), '>', 0)).execute()).toEqual([]);

    // What the audit log quoted of her is blanked; who did what, to which gift, and when, stays.
    const quotedAfter = await quoted();
    expect(quotedAfter.map((entry) => [entry.id, entry.action, entry.staff_id, entry.subject_id, entry.at])).toEqual(quotedBefore.map((entry) => [entry.id, entry.action, entry.staff_id, entry.subject_id, entry.at]));
    expect(quotedAfter.map((entry) => (entry.after as { message: string }).message)).toEqual(['[erased]', '[erased]']);
    expect(await db().selectFrom('outbox').select(['sent_at', 'last_error']).where('id', 'in', owed.map((row) => row.id)).execute()).toEqual([
      { sent_at: expect.any(Date), last_error: notSentErased },
      { sent_at: expect.any(Date), last_error: notSentErased },
    ]);

    // The gifts stay, with their money and Stripe’s ids, made out to the pseudonym and saying nothing she wrote.
    const giftsAfter = await giftsOf(ana.donorId);
    expect(giftsAfter.map((gift) => [gift.id, gift.amount, gift.currency, gift.status, gift.campaign_id, gift.stripe_payment_intent_id, gift.stripe_charge_id])).toEqual(
      giftsBefore.map((gift) => [gift.id, gift.amount, gift.currency, gift.status, gift.campaign_id, gift.stripe_payment_intent_id, gift.stripe_charge_id]),
    );
    for (const gift of giftsAfter) {
      expect(gift).toMatchObject({ donor_name: donor.name, anonymous: true, message: null, dedication_kind: null, dedication_name: null, client_ip_hash: null, updates_consent_wording: null, updates_consent_chosen_at: null });
    }
    expect(await receiptsOf(giftIds)).toEqual(receiptsBefore);
    expect(await ledgerOf(giftIds)).toEqual(ledgerBefore);
    const receiptPage = decodeEntities((await request(h.url).get(receiptPath(h.config.sessionSecret, receiptsBefore[0]!.id)).expect(200)).text);
    expect(receiptPage).toContain(receiptsBefore[0]!.number);
    expect(receiptPage).toContain(donor.name!);
    expect(receiptPage).not.toContain('Ana Forgotten');
    expect(receiptPage).not.toContain('Grandpa Forgotten');

    // Finance’s totals, campaign by campaign and in the gifts export, do not move; the export names nobody.
    const financeAfter = await financeTotals(finance);
    expect(financeAfter.gifts).toBe(financeBefore.gifts);
    expect(financeAfter.sums).toEqual(financeBefore.sums);
    expect(financeAfter.totals).toEqual(financeBefore.totals);
    expect(financeAfter.givers).toEqual(financeBefore.givers);
    for (const gone of [email, 'Ana Forgotten', 'Love from Ana in Kowloon']) expect(financeAfter.csv).not.toContain(gone);

    // The campaign page forgot her name and message at once.
    const campaign = await campaignPage('speech-therapy-fund');
    expect(campaign).not.toContain('Ana Forgotten');
    expect(campaign).not.toContain('Love from Ana in Kowloon');

    // Signed out: the old cookie opens nothing, and neither does a link to the old address, old or new.
    const old = decodeEntities((await ana.donor.agent.get('/account').expect(200)).text);
    expect(old).toContain(messages.en['account.signIn.heading']);
    await ana.donor.agent.get('/account/data.json').expect(303);
    expect((await useLink(request.agent(h.url), unusedLink)).status).toBe(410);
    const mailsBefore = h.mail.to(email).length;
    await askForLink(h, email).then((asked) => expect(asked.status).toBe(200));
    await waitUntil('the last sign-in request to be dealt with', async () => {
      const last = await db().selectFrom('outbox').select(['sent_at', 'last_error']).where('topic', '=', 'sign_in_link').orderBy('id', 'desc').executeTakeFirstOrThrow();
      return last.sent_at !== null;
    });
    expect(h.mail.to(email)).toHaveLength(mailsBefore);

    // Staff read the requests in the audit log, in their language.
    expect((await auditOf(ana.donorId)).map((entry) => entry.action)).toEqual(['donor.erased']);
    const erasedEntry = (await auditOf(ana.donorId))[0]!;
    expect(erasedEntry).toMatchObject({ staff_id: null, after: expect.objectContaining({ name: donor.name, plans_stopped: 1, gifts_kept: 2, receipts_kept: 2, consents_removed: 1 }) });
    expect(JSON.stringify(erasedEntry)).not.toContain('Ana');
    const audit = decodeEntities((await admin.agent.get('/staff/audit').expect(200)).text);
    expect(audit).toContain(`Donor #${ana.donorId} asked to be forgotten and is now “${donor.name}”`);
    const auditHK = decodeEntities((await admin.agent.get('/staff/audit?lang=zh-HK').expect(200)).text);
    expect(auditHK).toContain(`捐款人 #${ana.donorId} 要求刪除其個人資料，現稱「${donor.name}」`);

    // A receipt emailed again goes nowhere: the address reaches nobody.
    const ctx = openContext(h.config, createLogger(h.config));
    try {
      await oweEmail(ctx.db, 'receipt', `receipt-again-${receiptsBefore[0]!.id}`, { receiptId: receiptsBefore[0]!.id });
      await relayOutbox(ctx);
    } finally {
      await closeContext(ctx);
    }
    await waitUntil('the receipt sent again to be dealt with', async () => {
      const row = await db().selectFrom('outbox').select('sent_at').where('dedupe_key', '=', `receipt-again-${receiptsBefore[0]!.id}`).executeTakeFirstOrThrow();
      return row.sent_at !== null;
    });
    expect(h.mail.to(donor.email)).toEqual([]);

    // Asked again (a second press, a reload), nothing more happens.
    const again = await eraseDonor({ db: db(), stripe: h.stripe }, ana.donorId, new Date());
    expect(again).toEqual({ kind: 'already erased', pseudonym: donor.name, plansStopped: 0 });
    expect(await donorById(ana.donorId)).toEqual(donor);
    expect((await auditOf(ana.donorId)).map((entry) => entry.action)).toEqual(['donor.erased']);
    const signedOut = csrfOf((await ana.donor.agent.get('/account').expect(200)).text);
    const pressedAgain = await ana.donor.agent.post('/account/forget').type('form').send({ _csrf: signedOut, confirm: email }).expect(303);
    expect(pressedAgain.headers.location).toBe('/account');
  });

  it('erases nothing when Stripe does not stop the regular gift', async () => {
    const lee = await aDonorWithEverything('lee.later@example.com', 'Lee Later', { message: 'Ask me again', dedication: 'Mum Later' });
    const before = await donorById(lee.donorId);
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = new Stripe(h.emulator.secretKey, { host: '127.0.0.1', port: closedPort, protocol: 'http', maxNetworkRetries: 0 });
    await expect(eraseDonor({ db: db(), stripe: unreachable }, lee.donorId, new Date())).rejects.toBeInstanceOf(PlansNotStopped);
    expect(await donorById(lee.donorId)).toEqual(before);
    expect((await giftsOf(lee.donorId)).find((gift) => gift.id === lee.once.id)).toMatchObject({ message: 'Ask me again', donor_name: 'Lee Later' });
    expect(await db().selectFrom('donor_sessions').select('donor_id').where('donor_id', '=', lee.donorId).execute()).not.toEqual([]);
    expect(await auditOf(lee.donorId)).toEqual([]);
    await lee.donor.agent.get('/account').expect(200).then((page) => expect(page.text).toContain('href="/account/forget"'));
  });
});


describe('what an erased donor leaves in text kept for other reasons', () => {
  const texts: PersonalTexts = { addresses: ['Mei.Chan@example.com'], names: ['Mei Chan', '陈美玲', 'Al'], words: ['Go team!'], pseudonym: 'Erased donor 7F3K', erased: '[erased]' };

  it('replaces the donor’s names and address in what finance typed, and nothing inside other words', () => {
    expect(redactTypedText('Mei Chan (mei.chan@EXAMPLE.com) asked for her money back; Alice agreed', texts)).toBe('Erased donor 7F3K ([erased]) asked for her money back; Alice agreed');
    expect(redactTypedText('陈美玲要求退款', texts)).toBe('Erased donor 7F3K要求退款');
    expect(redactTypedText('Al called', texts)).toBe('Erased donor 7F3K called');
  });

  it('leaves Stripe’s ids alone and drops the payer’s details from a stored event', () => {
    const event = { id: 'evt_1', data: { object: { id: 'pi_Al123', charge: 'ch_1', customer: 'cus_9', receipt_email: 'mei.chan@example.com', description: 'Al', metadata: { note: 'Go team!' }, billing_details: { name: 'Mei Chan' } } } };
    expect(redactStripeEvent(event, texts)).toEqual({ id: 'evt_1', data: { object: { id: 'pi_Al123', charge: 'ch_1', customer: null, receipt_email: null, description: 'Erased donor 7F3K', metadata: { note: '[erased]' }, billing_details: null } } });
  });
});
