import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import type { Campaign } from '../../server/tables/campaigns.table';
import { readDonationForm } from '../../server/donations/form';
import { startTestContext, type TestContext } from '../support/context';
import { aDonor } from '../support/giving';
import { checkedRadio, fieldError, fieldsInError, inputValue, isChecked, selectedOption, textareaValue } from '../support/html';

// Nothing here reaches Checkout: every form is refused before a donation exists, so no Stripe is needed.
const maximumMajorUnits = 20_000;
const { open: openRound, closed: [closedRound] } = demoRounds(testNow);

describe('the donate form, filled in wrongly', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ donations: { maximumMajorUnits, generalFundSlug: 'general' } });
    await seedDemoData(t.database.db, testNow, { closedRoundMoney: false });
  });
  afterAll(() => t.close());

  const post = (slug: string, form: Record<string, string>) => request(t.app).post(`/campaigns/${slug}/donate`).type('form').send(form);

  async function expectNothingStored() {
    const { db } = t.database;
    expect(await db.selectFrom('donations').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('donors').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('recurring_plans').selectAll().execute()).toEqual([]);
  }

  /** Posts the form and expects the campaign page again, with one message beside `field` and nothing kept. */
  async function refused(form: Record<string, string>, field: string, slug = openRound.slug) {
    const res = await post(slug, form);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain(`<h1>${openRound.title}</h1>`);
    expect(res.text).toContain('Please check your gift');
    expect(fieldsInError(res.text)).toEqual([field]);
    // The summary links to the field, and the field names its message for screen readers.
    expect(res.text).toContain(`<li><a href="#${field}">`);
    expect(res.text).toMatch(new RegExp(`id="${field}"[^>]*aria-describedby="[^"]*${field}-error"`));
    await expectNothingStored();
    return { res, message: fieldError(res.text, field)! };
  }

  it.each([
    ['nothing', { amount: '' }, 'Enter the amount you would like to give.'],
    ['words', { amount: 'abc' }, 'Enter an amount in numbers, such as 100 or 100.50.'],
    ['a negative amount', { amount: '-5' }, 'Enter an amount in numbers, such as 100 or 100.50.'],
    ['US$0.10, under Stripe\'s US$0.50', { amount: '0.10', currency: 'USD' }, 'The smallest gift we can take by card is US$0.50.'],
    ['HK$3.99, under HK$4.00', { amount: '3.99', currency: 'HKD' }, 'The smallest gift we can take by card is HK$4.00.'],
    ['¥4, under ¥5', { amount: '4', currency: 'CNY' }, 'The smallest gift we can take by card is CN¥5.00.'],
    ['a tenth of a cent', { amount: '10.005', currency: 'USD' }, 'Use at most 2 decimal places for USD.'],
    ['a cent above the configured maximum', { amount: '20000.01', currency: 'HKD' }, 'The most we can accept online is HK$20,000. Please contact us about a larger gift.'],
    ['an absurd number of digits', { amount: '9'.repeat(30), currency: 'CNY' }, 'The most we can accept online is CN¥20,000. Please contact us about a larger gift.'],
    // Once read as US$2,500.00 and HK$10,000: a comma is a thousands separator only between groups of three.
    ['a decimal comma', { amount: '25,00', currency: 'USD' }, 'Use a point for decimals: 25.00, not 25,00. A comma may only separate thousands, as in 1,000.'],
    ['a comma in the wrong place', { amount: '1,0000', currency: 'HKD' }, 'Use a point for decimals: 25.00, not 25,00. A comma may only separate thousands, as in 1,000.'],
  ])('refuses an amount of %s, says why beside the amount and keeps what was typed', async (_case, fields, expected) => {
    const form = aDonor({ currency: 'CNY', ...fields, message: 'Get well soon', name: 'Mei Chan', email: 'mei.chan@example.com' });
    const { res, message } = await refused(form, 'amount');
    expect(message).toBe(expected);
    expect(inputValue(res.text, 'amount')).toBe(form.amount);
    expect(selectedOption(res.text, 'currency')).toBe(form.currency);
    expect(inputValue(res.text, 'name')).toBe('Mei Chan');
    expect(inputValue(res.text, 'email')).toBe('mei.chan@example.com');
    expect(textareaValue(res.text, 'message')).toBe('Get well soon');
    expect(checkedRadio(res.text, 'frequency')).toBe('once');
  });

  it('says so in Chinese when a Chinese input method types a decimal comma', async () => {
    const res = await post(openRound.slug, aDonor({ amount: '２５，００', currency: 'USD', locale: 'zh-CN' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(fieldsInError(res.text)).toEqual(['amount']);
    expect(fieldError(res.text, 'amount')).toBe('小数请用小数点：应写 25.00，而不是 25,00。逗号只能用作千位分隔符，例如 1,000。');
    expect(inputValue(res.text, 'amount')).toBe('２５，００');
    await expectNothingStored();
  });

  it.each(['EUR', 'JPY', ''])('refuses currency %j, which the campaign does not take', async (currency) => {
    const { res, message } = await refused(aDonor({ currency, amount: '500' }), 'currency');
    expect(message).toBe('Choose one of CNY, HKD, USD.');
    expect(inputValue(res.text, 'amount')).toBe('500');
  });

  it.each([
    ['not-an-email', 'Enter an email address like name@example.com.'],
    ['', 'Enter your email address, so that we can send your receipt.'],
    ['mei@example', 'Enter an email address like name@example.com.'],
  ])('refuses email %j', async (email, expected) => {
    const { res, message } = await refused(aDonor({ email }), 'email');
    expect(message).toBe(expected);
    expect(inputValue(res.text, 'email')).toBe(email);
    expect(inputValue(res.text, 'amount')).toBe('100');
    expect(selectedOption(res.text, 'currency')).toBe('HKD');
  });

  it('refuses a missing name and one over 100 characters', async () => {
    expect((await refused(aDonor({ name: '' }), 'name')).message).toBe('Enter your name, as it should appear on your receipt.');
    expect((await refused(aDonor({ name: '   ' }), 'name')).message).toBe('Enter your name, as it should appear on your receipt.');
    const long = 'M'.repeat(101);
    const { res, message } = await refused(aDonor({ name: long }), 'name');
    expect(message).toBe('Use at most 100 characters for your name.');
    expect(inputValue(res.text, 'name')).toBe(long);
  });

  it('refuses a message over 500 characters and gives it back whole', async () => {
    const long = `${'A kind word. '.repeat(38)}The end.`;
    expect(long.length).toBeGreaterThan(500);
    const { res, message } = await refused(aDonor({ message: long }), 'message');
    expect(message).toBe(`Keep your message to 500 characters (it has ${long.length}).`);
    expect(textareaValue(res.text, 'message')).toBe(long);
  });

  it('refuses a gift "in memory of" nobody, and a dedication of an unknown kind', async () => {
    const { res, message } = await refused(aDonor({ dedication_kind: 'memory', dedication_name: '' }), 'dedication_name');
    expect(message).toBe('Enter the name of the person this gift honours.');
    expect(selectedOption(res.text, 'dedication_kind')).toBe('memory');

    const other = await refused(aDonor({ dedication_kind: 'birthday', dedication_name: 'Grandma' }), 'dedication_kind');
    expect(other.message).toBe('Choose "in honour of" or "in memory of", or leave it empty.');
    expect(inputValue(other.res.text, 'dedication_name')).toBe('Grandma');
  });

  it('refuses a weekly gift', async () => {
    const { res, message } = await refused(aDonor({ frequency: 'weekly' }), 'frequency');
    expect(message).toBe('Choose to give once, every month or every year.');
    expect(checkedRadio(res.text, 'frequency')).toBeUndefined();
  });

  it('names every mistake at once, each beside its own field, and keeps the choices made', async () => {
    const res = await post(
      openRound.slug,
      aDonor({ amount: 'lots', currency: 'usd', frequency: 'month', email: 'nope', name: '', dedication_kind: 'honour', dedication_name: 'Dr Lee', anonymous: 'on', news: 'on' }),
    );
    expect(res.status).toBe(422);
    expect(fieldsInError(res.text).sort()).toEqual(['amount', 'email', 'name']);
    expect(selectedOption(res.text, 'currency')).toBe('USD');
    expect(checkedRadio(res.text, 'frequency')).toBe('month');
    expect(selectedOption(res.text, 'dedication_kind')).toBe('honour');
    expect(inputValue(res.text, 'dedication_name')).toBe('Dr Lee');
    expect(isChecked(res.text, 'anonymous')).toBe(true);
    // The donor's own tick on the news box stays theirs on the page shown again.
    expect(isChecked(res.text, 'news')).toBe(true);
    await expectNothingStored();
  });

  it('escapes what was typed when it shows it again', async () => {
    const res = await post(openRound.slug, aDonor({ amount: '"><script>alert(1)</script>', name: '<b>Mei</b>' }));
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toContain('<b>Mei</b>');
    expect(inputValue(res.text, 'amount')).toBe('"><script>alert(1)</script>');
    expect(inputValue(res.text, 'name')).toBe('<b>Mei</b>');
    await expectNothingStored();
  });

  it('refuses gifts to a closed round with a message, and stores nothing', async () => {
    const res = await post(closedRound!.slug, aDonor({ currency: 'CNY', amount: '500' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain(`<h1>${closedRound!.title}</h1>`);
    expect(res.text).toContain('This campaign has closed');
    expect(res.text).toContain('This campaign has closed and no longer takes gifts. Thank you for thinking of it.');
    expect(res.text).not.toContain(`action="/campaigns/${closedRound!.slug}/donate`);
    await expectNothingStored();
  });

  it('answers 404 for a campaign that does not exist or is a draft', async () => {
    const unknown = await post('no-such-campaign', aDonor());
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('There is no campaign at this address.');

    await t.database.db.insertInto('campaigns').values({
      slug: 'draft-appeal',
      title: { en: 'Draft appeal' },
      summary: { en: 'Not yet' },
      story: { en: 'Not yet' },
      status: 'draft',
      target_amount: 100_000,
      target_currency: 'HKD',
      accepted_currencies: ['HKD'],
      starts_at: new Date('2026-01-01T00:00:00Z'),
      cost_unit_amount: null,
      cost_unit_label: null,
      cover_image_url: null,
    }).execute();
    expect((await post('draft-appeal', aDonor())).status).toBe(404);
    await expectNothingStored();
  });

  describe('for a JSON client', () => {
    const stackTrace = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Error: /;

    it('names the fields in error under a stable code, and never shows a stack trace', async () => {
      const res = await post(openRound.slug, aDonor({ amount: 'abc', email: '' })).set('Accept', 'application/json');
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({
        error: {
          code: 'validation_failed',
          message: 'Some fields need attention.',
          fields: { amount: 'Enter an amount in numbers, such as 100 or 100.50.', email: 'Enter your email address, so that we can send your receipt.' },
        },
      });
      expect(res.text).not.toMatch(stackTrace);
      await expectNothingStored();
    });

    it.each([
      ['an unknown campaign', () => post('no-such-campaign', aDonor()), 404, 'not_found'],
      ['a closed round', () => post(closedRound!.slug, aDonor()), 422, 'validation_failed'],
      ['too many fields', () => post(openRound.slug, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x']))), 413, 'payload_too_large'],
      ['a body over 16 kB', () => post(openRound.slug, aDonor({ message: 'x'.repeat(20_000) })), 413, 'payload_too_large'],
      ['fields sent twice and nested', () => request(t.app).post(`/campaigns/${openRound.slug}/donate`).type('form').send('amount=1&amount=2&currency[x]=HKD&email=a@example.com'), 422, 'validation_failed'],
      ['a JSON body instead of a form', () => request(t.app).post(`/campaigns/${openRound.slug}/donate`).send(aDonor()), 422, 'validation_failed'],
      ['a NUL byte in the name (dropped) beside a bad email', () => post(openRound.slug, aDonor({ name: 'Mei\u0000Chan', email: 'x' })), 422, 'validation_failed'],
      ['a slug with a NUL byte', () => request(t.app).post('/campaigns/happy%00smile/donate').type('form').send(aDonor()), 404, 'not_found'],
    ])('answers %s with a JSON error and no stack trace', async (_case, send, status, code) => {
      const res = await send().set('Accept', 'application/json');
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ error: { code } });
      expect(res.text).not.toMatch(stackTrace);
      await expectNothingStored();
    });

    it('answers 503 without a stack trace when Stripe cannot be reached, and the donation stays pending without a session', async () => {
      // This context's Stripe address has nothing listening.
      const res = await post(openRound.slug, aDonor()).set('Accept', 'application/json');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: { code: 'service_unavailable', message: 'We could not reach our payment provider just now. Nothing has been charged; please try again in a minute.' },
      });
      expect(res.text).not.toMatch(stackTrace);
      const donations = await t.database.db.selectFrom('donations').selectAll().execute();
      expect(donations).toMatchObject([{ status: 'pending', stripe_checkout_session_id: null }]);
    });

    it('takes an amount typed with a Chinese input method, full-width digits and punctuation, as the amount it reads', async () => {
      // Accepted, so a gift is started; Stripe is out of reach here, which is as far as it goes.
      const res = await post(openRound.slug, aDonor({ amount: '１，０００．５０', currency: 'USD', email: 'full.width@example.com' })).set('Accept', 'application/json');
      expect(res.status).toBe(503);
      const started = await t.database.db
        .selectFrom('donations')
        .innerJoin('donors', 'donors.id', 'donations.donor_id')
        .select(['donations.amount', 'donations.currency', 'donations.status'])
        .where('donors.email', '=', 'full.width@example.com')
        .execute();
      expect(started).toEqual([{ amount: 100_050, currency: 'USD', status: 'pending' }]);
    });
  });
});

describe('readDonationForm at the edges', () => {
  const campaign = { accepted_currencies: ['CNY', 'HKD', 'USD'] } as Campaign;
  const limits = { maximumMajorUnits: 20_000, generalFundSlug: 'general' };

  it.each([
    ['0.50', 'USD', 50],
    ['4', 'HKD', 400],
    ['4.00', 'HKD', 400],
    ['5', 'CNY', 500],
    ['20000', 'CNY', 2_000_000],
    ['20,000.00', 'USD', 2_000_000],
    [' 250.5 ', 'hkd', 25_050],
    ['１，０００．５０', 'USD', 100_050],
    ['\u3000１\u3000０００\u3000', 'CNY', 100_000],
  ])('takes %j %s, the smallest or largest allowed, as %d minor units', (amount, currency, minor) => {
    const result = readDonationForm(aDonor({ amount, currency }), campaign, limits);
    expect(result).toMatchObject({ ok: true, request: { amount: { amount: minor, currency: currency.trim().toUpperCase() } } });
  });

  it('reads the optional parts as the donor meant them', () => {
    const result = readDonationForm(
      aDonor({ frequency: 'year', email: '  Mei.Chan@Example.com ', name: ' Mei ', message: '  ', dedication_kind: 'memory', dedication_name: 'Grandpa Chan', anonymous: 'on' }),
      campaign,
      limits,
    );
    expect(result).toEqual({
      ok: true,
      request: {
        amount: { amount: 10_000, currency: 'HKD' },
        frequency: 'year',
        email: 'Mei.Chan@Example.com',
        name: 'Mei',
        // A form that does not say who gives is a person's.
        donorType: 'person',
        contactName: null,
        businessRegistration: null,
        anonymous: true,
        message: null,
        dedication: { kind: 'memory', name: 'Grandpa Chan' },
        // The news box left alone: no yes, and no no either.
        news: false,
      },
    });
  });

  it('drops control characters no person types (PostgreSQL would refuse a NUL), and keeps line breaks', () => {
    const result = readDonationForm(aDonor({ name: 'Mei\u0000 Chan\u0007', message: 'Line one\r\nLine two\u0000', dedication_kind: 'honour', dedication_name: '\u0000Dr\u001f Lee' }), campaign, limits);
    expect(result).toMatchObject({ ok: true, request: { name: 'Mei Chan', message: 'Line one\r\nLine two', dedication: { kind: 'honour', name: 'Dr Lee' } } });
  });

  it('puts the name, email and dedication on one line, and keeps the message\'s lines but not its C1 or bidi controls', () => {
    const result = readDonationForm(
      aDonor({
        name: 'Ann\r\nBcc: x\u2028Total: US$0',
        email: ' mei@example.com\u0085',
        message: 'Line one\r\nLine two\u2028Line three\u0085Line four\u0090 \u202Eevil\u202C',
        dedication_kind: 'honour',
        dedication_name: 'Dr\t\tLee\u2066\u2069',
      }),
      campaign,
      limits,
    );
    expect(result).toMatchObject({
      ok: true,
      request: { name: 'Ann Bcc: x Total: US$0', email: 'mei@example.com', message: 'Line one\r\nLine two\nLine three\nLine four evil', dedication: { kind: 'honour', name: 'Dr Lee' } },
    });
  });

  it('takes exactly 100 characters of name and 500 of message', () => {
    expect(readDonationForm(aDonor({ name: 'N'.repeat(100), message: 'm'.repeat(500) }), campaign, limits).ok).toBe(true);
  });
});

describe('a script hammering the donate form', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow, { closedRoundMoney: false });
  });
  afterAll(() => t.close());

  it('is slowed down after a few hundred attempts from one address, and nothing more is stored', async () => {
    await t.ctx.redis.set(`${t.ctx.config.redisPrefix}:donate:::ffff:127.0.0.1`, 300, 'EX', 600);
    await t.ctx.redis.set(`${t.ctx.config.redisPrefix}:donate:127.0.0.1`, 300, 'EX', 600);
    const res = await request(t.app).post('/campaigns/general/donate').type('form').send({ amount: '10', currency: 'USD', frequency: 'once', email: 'bot@example.com', name: 'Bot' }).expect(429);
    expect(res.text).toContain('Too many gifts started from this network');
    expect(await t.database.db.selectFrom('donations').select('id').execute()).toEqual([]);
  });
});
