// Annual statements by the organisation's fiscal year: in the donor's account, as a PDF, and by email once
// the year is over. A Hong Kong charity (ORG_FISCAL_YEAR_START=04-01) states each year of assessment's HKD
// total and what section 88's HK$100 asks of it; by default a statement covers a calendar year.
import request from 'supertest';
import { closeContext, openContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { oweAnnualStatements, oweLastYearsStatements } from '../../server/receipts/statements';
import { settableClock } from '../support/clock';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities, links } from '../support/html';
import { bytesOf, pdfText } from '../support/pdf';
import { waitUntil } from '../support/wait';
import { giveAndPay, signIn, type Agent } from '../donors/account-helpers';

/** A moment on Hong Kong's clock. */
const inHongKong = (local: string) => new Date(`${local}+08:00`);

/** A PDF (or any file) a signed-in browser downloads, as bytes. */
const downloadAs = (agent: Agent, path: string) => bytesOf(agent.get(path));

/** Text as a PDF reader shows it, without the line breaks and spaces its wrapping puts anywhere. */
const unwrapped = (text: string) => text.replace(/\s+/g, '');

/** A statement page's totals: [label, amount] per row. */
const totalsOf = (html: string) => [...decodeEntities(html).matchAll(/<th scope="row" colspan="3">([^<]+)<\/th><td class="total">([^<]+)<\/td>/g)].map((m) => [m[1], m[2]]);

/** Runs the yearly chore as the worker would at `local` Hong Kong time: how many statements it owed. */
async function choreAt(h: GivingHarness, local: string): Promise<number> {
  const ctx = openContext(h.config, createLogger(h.config), settableClock(inHongKong(local)));
  try {
    return await oweLastYearsStatements(ctx);
  } finally {
    await closeContext(ctx);
  }
}

describe('annual statements by Hong Kong’s year of assessment', () => {
  let h: GivingHarness;
  const ada = 'ada.wong@example.com';
  const wing = 'wing.lee@example.com';
  const ruleEn = 'Under section 88 of the Inland Revenue Ordinance, donations to approved charities may be claimed for deduction when they total HK$100 or more in a year of assessment.';
  const ruleHk = '根據《稅務條例》第88條，在一個課稅年度內向認可慈善機構作出的捐款合共達港幣100元或以上，可申請扣除。';

  beforeAll(async () => {
    // Two minutes before the year of assessment 2025/26 ends in Hong Kong.
    h = await startGivingHarness({ config: { fiscalYearStart: { month: 4, day: 1 }, clockStart: inHongKong('2026-03-31T23:58:00') } });
    await giveAndPay(h, { email: ada, name: 'Ada Wong', amount: '80' }, 'general');
    // Stripe dates the charges, and so the gifts: its clock moves on to midnight.
    await h.helper('/_emulator/advance_time', { to: inHongKong('2026-04-01T00:00:00').getTime() / 1000 });
    await giveAndPay(h, { email: ada, name: 'Ada Wong', amount: '150' });
    await giveAndPay(h, { email: ada, name: 'Ada Wong', amount: '20', currency: 'USD' }, 'general');
    await giveAndPay(h, { email: wing, name: 'Wing Lee', amount: '345' });
    await waitUntil('the four receipts', () => h.mail.messages.filter((mail) => mail.subject?.startsWith('Your receipt')).length === 4);
  });
  afterAll(() => h.stop());

  it('splits a donor’s giving at midnight on 1 April in Hong Kong, each year of assessment with its HKD total', async () => {
    const { agent } = await signIn(h, ada);
    const account = await agent.get('/account').expect(200);
    expect(links(account.text)).toEqual(expect.arrayContaining(['/account/statements/2026', '/account/statements/2025']));
    expect(account.text).toContain('Statement for 2026/27');
    expect(account.text).toContain('Statement for 2025/26');

    const before = decodeEntities((await agent.get('/account/statements/2025?lang=en').expect(200)).text);
    expect(before).toContain('This statement covers the year of assessment April 1, 2025 to March 31, 2026.');
    expect(before).toContain('Mar 31, 2026');
    expect(before).not.toContain('HK$150.00');
    expect(totalsOf(before)).toEqual([['HKD total for the year of assessment', 'HK$80.00']]);
    expect(before).toContain(ruleEn);
    // Under HK$100 with us: said plainly, without claiming what other charities' receipts may add.
    expect(before).toContain('Your HKD gifts to Smile Bridge Foundation in this year of assessment total HK$80.00, under HK$100: on their own they are not deductible.');

    const after = decodeEntities((await agent.get('/account/statements/2026?lang=en').expect(200)).text);
    expect(after).toContain('Your giving in 2026/27');
    expect(after).toContain('This statement covers the year of assessment April 1, 2026 to March 31, 2027.');
    expect(after).toContain('Apr 1, 2026');
    expect(after).not.toContain('HK$80.00');
    // The US dollars listed as given and totalled apart, never added to the Hong Kong dollars.
    expect(totalsOf(after)).toEqual([
      ['HKD total for the year of assessment', 'HK$150.00'],
      ['Total in USD', 'US$20.00'],
    ]);
    expect(after).toContain('Each currency is totalled as given: amounts in different currencies are never converted or added together.');
    expect(after).toContain('Your HKD gifts to Smile Bridge Foundation in this year of assessment total HK$150.00, which is HK$100 or more.');
    expect(after).not.toContain('Wing Lee');
    // One giver: the statement is simply theirs, with no part headed by whom it is made out to.
    expect(after).not.toContain('Made out to');

    const traditional = decodeEntities((await agent.get('/account/statements/2026?lang=zh-HK').expect(200)).text);
    expect(traditional).toContain('本彙總涵蓋課稅年度2026年4月1日至2027年3月31日。');
    expect(totalsOf(traditional)).toEqual([
      ['本課稅年度港幣合計', 'HK$150.00'],
      ['USD合計', 'US$20.00'],
    ]);
    expect(traditional).toContain(ruleHk);
  });

  it('prints a statement as a PDF in the donor’s language or another, the same bytes every time, that anyone with it can check on the site', async () => {
    const { agent } = await signIn(h, ada);
    const english = await downloadAs(agent, '/account/statements/2026/pdf?lang=en');
    expect(english.status).toBe(200);
    expect(english.headers['content-type']).toBe('application/pdf');
    expect(english.headers['content-disposition']).toBe('attachment; filename=statement-2026-27.pdf');
    const text = unwrapped(await pdfText(english.body));
    for (const shown of [
      'Smile Bridge Foundation',
      'Demo data only: not a registered charity.',
      'Annual statement of donations 2026/27',
      'Ada Wong',
      'This statement covers the year of assessment April 1, 2026 to March 31, 2027.',
      'HKD total for the year of assessment',
      'HK$150.00',
      'US$20.00',
      ruleEn,
      'Your HKD gifts to Smile Bridge Foundation in this year of assessment total HK$150.00, which is HK$100 or more.',
    ]) {
      expect(text).toContain(unwrapped(shown));
    }
    expect((await downloadAs(agent, '/account/statements/2026/pdf?lang=en')).body.equals(english.body)).toBe(true);

    const traditional = unwrapped(await pdfText((await downloadAs(agent, '/account/statements/2026/pdf?lang=zh-HK')).body));
    for (const shown of ['微笑橋基金會', '2026/27年度捐款彙總', '本彙總涵蓋課稅年度2026年4月1日至2027年3月31日。', '本課稅年度港幣合計', 'HK$150.00', 'US$20.00', ruleHk]) {
      expect(traditional).toContain(unwrapped(shown));
    }
    expect(traditional).not.toMatch(/Statement|assessment|汇总|课税/);

    // The address it carries opens the statement for whoever holds it (a tax office, an employer), and its PDF.
    const path = /\/statements\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}/.exec(text)?.[0];
    expect(path).toBeDefined();
    const page = decodeEntities((await request(h.url).get(path!).expect(200)).text);
    expect(page).toContain('Ada Wong');
    expect(totalsOf(page)).toEqual([
      ['HKD total for the year of assessment', 'HK$150.00'],
      ['Total in USD', 'US$20.00'],
    ]);
    const shared = await downloadAs(request.agent(h.url), `${path}/pdf`);
    expect(shared.body.equals(english.body)).toBe(true);
    await request(h.url).get(`${path!.slice(0, -3)}xyz`).expect(404);
    await request(h.url).get(`${path!.slice(0, -3)}xyz/pdf`).expect(404);
  });

  it('gives each donor only their own statements, and a clear answer for a year without one', async () => {
    const other = await signIn(h, wing);
    const own = unwrapped(await pdfText((await downloadAs(other.agent, '/account/statements/2026/pdf')).body));
    expect(own).toContain('WingLee');
    expect(own).toContain('HK$345.00');
    expect(own).not.toMatch(/Ada|HK\$150\.00|US\$20\.00/);
    // Wing gave nothing in 2025/26: no statement, never Ada's.
    expect((await downloadAs(other.agent, '/account/statements/2025/pdf')).status).toBe(404);
    const empty = decodeEntities((await other.agent.get('/account/statements/2025').expect(200)).text);
    expect(empty).toContain('No receipted gifts in 2025/26.');
    for (const bad of ['/account/statements/20x6/pdf', '/account/statements/0999', '/account/statements/99999/pdf']) {
      const res = await other.agent.get(bad);
      expect([res.status, res.headers.location]).toEqual([303, '/account']);
    }
    // Signed out, a statement is the sign-in page's business.
    const stranger = await request(h.url).get('/account/statements/2026/pdf');
    expect([stranger.status, stranger.headers.location]).toEqual([303, '/account']);
  });

  it('emails each donor the year just ended at the start of the next, with its PDF, once however often the chore runs', async () => {
    const { agent } = await signIn(h, ada);
    expect(await choreAt(h, '2027-04-05T09:00:00')).toBe(2);
    expect(await choreAt(h, '2027-04-05T09:00:30')).toBe(0);
    expect(await choreAt(h, '2026-04-05T09:00:00')).toBe(1);
    expect(await choreAt(h, '2026-12-31T09:00:00')).toBe(0);
    // One statement owed per donor and year of assessment.
    const { db } = h.database;
    const idOf = async (email: string) => (await db.selectFrom('donors').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const owed = await db.selectFrom('outbox').select('dedupe_key').where('topic', '=', 'annual_statement').orderBy('dedupe_key').execute();
    expect(owed.map((row) => row.dedupe_key).sort()).toEqual([`statement-2025-26-${await idOf(ada)}`, `statement-2026-27-${await idOf(ada)}`, `statement-2026-27-${await idOf(wing)}`].sort());

    const statementTo = (email: string, label: string) => h.mail.to(email).find((mail) => mail.subject === `Your giving in ${label}: annual statement`);
    await waitUntil('the three statements', () => statementTo(ada, '2026/27') !== undefined && statementTo(ada, '2025/26') !== undefined && statementTo(wing, '2026/27') !== undefined);
    const latest = statementTo(ada, '2026/27')!;
    expect(latest.text).toContain('This statement covers the year of assessment April 1, 2026 to March 31, 2027.');
    expect(latest.text).toContain('HKD total for the year of assessment: HK$150.00');
    expect(latest.text).toContain('Total in USD: US$20.00');
    expect(latest.text).not.toContain('HK$80.00');
    expect(latest.text).toContain(ruleEn);
    expect(latest.attachments).toHaveLength(1);
    expect(latest.attachments[0]).toMatchObject({ filename: 'statement-2026-27.pdf', contentType: 'application/pdf' });
    expect(latest.attachments[0]!.content.equals((await downloadAs(agent, '/account/statements/2026/pdf?lang=en')).body)).toBe(true);

    const earlier = statementTo(ada, '2025/26')!;
    expect(earlier.text).toContain('HKD total for the year of assessment: HK$80.00');
    expect(earlier.text).toContain('total HK$80.00, under HK$100: on their own they are not deductible.');
    expect(earlier.attachments[0]).toMatchObject({ filename: 'statement-2025-26.pdf' });
    expect(h.mail.to(ada).filter((mail) => mail.subject?.endsWith('annual statement'))).toHaveLength(2);
  });

  it('lists what a refund left: the replacement receipt, for what was kept', async () => {
    const usd = await h.database.db
      .selectFrom('donations')
      .select('stripe_payment_intent_id')
      .where('currency', '=', 'USD')
      .where('amount', '=', 2_000)
      .executeTakeFirstOrThrow();
    await h.stripe.refunds.create({ payment_intent: usd.stripe_payment_intent_id!, amount: 500 });
    await h.settle();
    const { agent } = await signIn(h, ada);
    const page = decodeEntities((await agent.get('/account/statements/2026?lang=en').expect(200)).text);
    expect(totalsOf(page)).toEqual([
      ['HKD total for the year of assessment', 'HK$150.00'],
      ['Total in USD', 'US$15.00'],
    ]);
    expect(page).not.toContain('US$20.00');
  });
});

describe('a statement of a donor who gave as themselves and as their company', () => {
  let h: GivingHarness;
  const email = 'ada.lam@harbourdental.hk';
  const company = { giving_as: 'organisation', organisation_kind: 'enterprise', organisation_name: 'Harbour Dental Ltd', contact_name: 'Ada Lam', business_registration: '12345678-000-03-24-A' };
  const brn = '12345678-000-03-24-A';

  /** A statement page's parts, each from its "Made out to" heading on. */
  const partsOf = (html: string) => html.split('<h2>').slice(1);

  beforeAll(async () => {
    // 10 June 2026: in the year of assessment 2026/27.
    h = await startGivingHarness({ config: { fiscalYearStart: { month: 4, day: 1 } } });
    await giveAndPay(h, { email, name: 'Ada Lam', amount: '300' });
    // Her company's gift comes last, so her donor record now bears the company's name.
    await giveAndPay(h, { email, name: '', amount: '5000', ...company });
    await waitUntil('the two receipts', () => h.mail.to(email).filter((mail) => mail.subject?.startsWith('Your receipt')).length === 2);
  });
  afterAll(() => h.stop());

  it('makes a part out to each, with its own lines, HKD total and section 88 sentence, never one total of both', async () => {
    const { agent } = await signIn(h, email);
    // Her donor record now bears the company's name: the statement names her by her own gift.
    expect(await h.database.db.selectFrom('donors').select(['name', 'donor_type']).where('email', '=', email).executeTakeFirstOrThrow()).toEqual({ name: 'Harbour Dental Ltd', donor_type: 'enterprise' });
    const page = decodeEntities((await agent.get('/account/statements/2026?lang=en').expect(200)).text);
    expect(page).toContain('You gave under more than one name in 2026/27');
    // Section 88's rule once, for both.
    expect(page.split('Under section 88 of the Inland Revenue Ordinance')).toHaveLength(2);
    const [person, enterprise, ...more] = partsOf(page);
    expect(more).toEqual([]);
    expect(person).toMatch(/^Made out to: Ada Lam<\/h2>/);
    expect(totalsOf(person!)).toEqual([['HKD total for the year of assessment', 'HK$300.00']]);
    expect(person).toContain('Your HKD gifts to Smile Bridge Foundation in this year of assessment total HK$300.00, which is HK$100 or more.');
    expect(person).not.toMatch(/HK\$5,000\.00|Business registration/);
    expect(enterprise).toMatch(/^Made out to: Harbour Dental Ltd<\/h2>/);
    expect(enterprise).toContain(`Business registration: ${brn}`);
    expect(totalsOf(enterprise!)).toEqual([['HKD total for the year of assessment', 'HK$5,000.00']]);
    expect(enterprise).toContain('Your HKD gifts to Smile Bridge Foundation in this year of assessment total HK$5,000.00, which is HK$100 or more.');
    expect(page).not.toContain('HK$5,300.00');
  });

  it('prints both parts in its PDF, in English and in Traditional Chinese, and emails it once to the address', async () => {
    const { agent } = await signIn(h, email);
    const english = (await downloadAs(agent, '/account/statements/2026/pdf?lang=en')).body;
    const text = unwrapped(await pdfText(english));
    const order = ['Made out to: Ada Lam', 'HK$300.00', 'HK$300.00, which is HK$100 or more.', 'Made out to: Harbour Dental Ltd', brn, 'HK$5,000.00', 'HK$5,000.00, which is HK$100 or more.'];
    const at = order.map((shown) => text.indexOf(unwrapped(shown)));
    expect(at.every((index) => index >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(text).not.toContain('HK$5,300.00');

    const traditional = unwrapped(await pdfText((await downloadAs(agent, '/account/statements/2026/pdf?lang=zh-HK')).body));
    for (const shown of ['抬頭：Ada Lam', '抬頭：Harbour Dental Ltd', `商業登記號碼${brn}`, '合共HK$300.00，已達港幣100元或以上。', '合共HK$5,000.00，已達港幣100元或以上。']) {
      expect(traditional).toContain(unwrapped(shown));
    }

    // The link it carries opens the same two parts for whoever holds it.
    const path = /\/statements\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}/.exec(text)?.[0];
    const shared = decodeEntities((await request(h.url).get(path!).expect(200)).text);
    expect(partsOf(shared).map((part) => totalsOf(part))).toEqual([[['HKD total for the year of assessment', 'HK$300.00']], [['HKD total for the year of assessment', 'HK$5,000.00']]]);

    const ctx = openContext(h.config, createLogger(h.config));
    try {
      expect(await oweAnnualStatements(ctx, 2026)).toBe(1);
    } finally {
      await closeContext(ctx);
    }
    const donorId = (await h.database.db.selectFrom('donors').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const owed = await h.database.db.selectFrom('outbox').select('dedupe_key').where('topic', '=', 'annual_statement').execute();
    expect(owed.map((row) => row.dedupe_key)).toEqual([`statement-2026-27-${donorId}`]);
    const statements = () => h.mail.to(email).filter((mail) => mail.subject === 'Your giving in 2026/27: annual statement');
    await waitUntil('the statement', () => statements().length === 1);
    const mail = statements()[0]!;
    expect(mail.text).toContain('Dear Ada Lam,');
    const lines = (mail.text ?? '').split(/\r?\n/);
    const mailOrder = ['Made out to: Ada Lam', 'HKD total for the year of assessment: HK$300.00', 'Made out to: Harbour Dental Ltd', `Business registration: ${brn}`, 'HKD total for the year of assessment: HK$5,000.00'].map((line) => lines.indexOf(line));
    expect(mailOrder.every((index) => index >= 0)).toBe(true);
    expect(mailOrder).toEqual([...mailOrder].sort((a, b) => a - b));
    expect(mail.attachments[0]!.content.equals(english)).toBe(true);
  });
});

describe('annual statements by calendar year, the default', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('sends each donor one statement of the year’s gifts, totalled per currency, however often it runs', async () => {
    for (const [amount, currency] of [['100', 'HKD'], ['50', 'HKD'], ['20', 'USD']] as const) {
      const { sessionId } = await h.give('general', aDonor({ email: 'yearly@example.com', amount, currency }));
      await h.pay(sessionId);
    }
    await h.settle();
    await waitUntil('three receipts', () => h.mail.to('yearly@example.com').length === 3);
    const ctx = openContext(h.config, createLogger(h.config));
    try {
      expect(await oweAnnualStatements(ctx, 2026)).toBe(1);
      expect(await oweAnnualStatements(ctx, 2026)).toBe(0);
    } finally {
      await closeContext(ctx);
    }
    // The January chore owes the same statement, already owed: nothing new.
    expect(await choreAt(h, '2027-01-05T09:00:00')).toBe(0);
    await waitUntil('the statement', () => h.mail.to('yearly@example.com').length === 4);
    const statement = h.mail.to('yearly@example.com')[3]!;
    expect(statement.subject).toBe('Your giving in 2026: annual statement');
    expect(statement.text).toContain('This statement covers January 1, 2026 to December 31, 2026.');
    expect(statement.text).toContain('Total in HKD: HK$150.00');
    expect(statement.text).toContain('Total in USD: US$20.00');
    expect(statement.text?.match(/\d{4}-\d{6}/g)).toHaveLength(3);
    // Not a year of assessment: nothing said about section 88's threshold for it.
    expect(statement.text).not.toMatch(/year of assessment|section 88/);
    expect(statement.attachments[0]).toMatchObject({ filename: 'statement-2026.pdf', contentType: 'application/pdf' });
    const text = unwrapped(await pdfText(statement.attachments[0]!.content));
    expect(text).toContain(unwrapped('Annual statement of donations 2026'));
    expect(text).toContain(unwrapped('This statement covers January 1, 2026 to December 31, 2026.'));
    expect(text).toContain('HK$150.00');

    const { agent } = await signIn(h, 'yearly@example.com');
    const account = await agent.get('/account').expect(200);
    expect(links(account.text)).toContain('/account/statements/2026');
    expect(account.text).toContain('Statement for 2026<');
  });
});
