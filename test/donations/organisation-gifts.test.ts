// Giving as an organisation (#18): an enterprise or a foundation gives on the donate form, its receipts are
// made out to it with its contact and business registration number, and finance filters and exports gifts
// by who gave them.
import request from 'supertest';
import type Stripe from 'stripe';
import { signToken } from '../../server/http/signed-links';
import { csvRows } from '../support/csv';
import { checkedRadio, decodeEntities, fieldError, fieldsInError, inputValue, selectedOption } from '../support/html';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { downloadBytes, pdfText } from '../support/pdf';
import { aStaffMember, downloadText, signInAs, type StaffAgent } from '../support/staff';
import { waitUntil } from '../support/wait';

const slug = 'speech-therapy-fund';

/** An enterprise's gift on the donate form, as its finance officer fills it in. */
const anEnterprise = (overrides: Record<string, string> = {}) =>
  aDonor({
    email: 'giving@harbourdental.hk',
    name: '',
    amount: '5000',
    giving_as: 'organisation',
    organisation_kind: 'enterprise',
    organisation_name: 'Harbour Dental Ltd',
    contact_name: 'Ada Lam',
    business_registration: '12345678-000-03-24-A',
    ...overrides,
  });

describe('giving as an organisation', () => {
  let h: GivingHarness;
  let finance: StaffAgent;
  beforeAll(async () => {
    h = await startGivingHarness();
    finance = await signInAs(h.url, (await aStaffMember(h.database.db, ['finance'])).email);
  });
  afterAll(() => h.stop());

  async function giveAndPay(form: Record<string, string>) {
    const { donation, sessionId } = await h.give(slug, form);
    await h.pay(sessionId);
    await h.settle();
    return donation;
  }

  async function receiptTo(email: string) {
    await waitUntil(`the receipt to ${email}`, () => h.mail.to(email).length >= 1);
    return h.mail.to(email)[0]!;
  }

  const countDonations = async () => Number((await h.database.db.selectFrom('donations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('lets an enterprise give online, and makes its receipt email, page and PDF out to it with its contact and registration', async () => {
    const donation = await giveAndPay(anEnterprise());
    expect(await h.donation(donation.id)).toMatchObject({
      status: 'succeeded',
      donor_name: 'Harbour Dental Ltd',
      donor_type: 'enterprise',
      donor_contact_name: 'Ada Lam',
      donor_business_registration: '12345678-000-03-24-A',
    });
    // The donor is the enterprise, as its paid gift says.
    const donor = await h.database.db.selectFrom('donors').selectAll().where('email', '=', 'giving@harbourdental.hk').executeTakeFirstOrThrow();
    expect(donor).toMatchObject({ name: 'Harbour Dental Ltd', donor_type: 'enterprise' });

    const mail = await receiptTo('giving@harbourdental.hk');
    const lines = (mail.text ?? '').split(/\r?\n/);
    expect(lines).toEqual(expect.arrayContaining(['Donor: Harbour Dental Ltd', 'Contact: Ada Lam', 'Business registration: 12345678-000-03-24-A', 'Amount: HK$5,000.00']));
    expect(lines.indexOf('Contact: Ada Lam')).toBe(lines.indexOf('Donor: Harbour Dental Ltd') + 1);
    expect(mail.html).toContain('Harbour Dental Ltd');
    expect(mail.html).toContain('12345678-000-03-24-A');

    const link = /(\/receipts\/[A-Za-z0-9_.-]+)/.exec(mail.text ?? '')?.[1];
    const page = decodeEntities((await request(h.url).get(link!).expect(200)).text);
    for (const shown of ['<dt>Donor</dt><dd>Harbour Dental Ltd</dd>', '<dt>Contact</dt><dd>Ada Lam</dd>', '<dt>Business registration</dt><dd>12345678-000-03-24-A</dd>']) expect(page).toContain(shown);

    const pdf = await pdfText(mail.attachments[0]!.content);
    for (const shown of ['Harbour Dental Ltd', 'Contact', 'Ada Lam', 'Business registration', '12345678-000-03-24-A', 'HK$5,000.00']) expect(pdf).toContain(shown);
    expect((await downloadBytes(h.url, `${link}/pdf`)).body.equals(mail.attachments[0]!.content)).toBe(true);

    // In public it is the enterprise that gave, never the person who filled the form in.
    const campaign = decodeEntities((await request(h.url).get(`/campaigns/${slug}`).expect(200)).text);
    expect(campaign).toContain('<strong>Harbour Dental Ltd</strong>');
    expect(campaign).not.toContain('Ada Lam');
    expect(campaign).not.toContain('12345678-000-03-24-A');
  });

  it('receipts a foundation in Traditional Chinese, its registration typed in full-width digits, without a contact line when none was given', async () => {
    await giveAndPay(
      anEnterprise({ email: 'office@lee-foundation.hk', locale: 'zh-HK', organisation_kind: 'foundation', organisation_name: '李氏慈善基金會', contact_name: '', business_registration: '１２３４　５６７８', anonymous: 'on' }),
    );
    const mail = await receiptTo('office@lee-foundation.hk');
    const lines = (mail.text ?? '').split(/\r?\n/);
    expect(lines).toEqual(expect.arrayContaining(['捐款人: 李氏慈善基金會', '商業登記號碼: 1234 5678']));
    expect(mail.text).not.toContain('聯絡人');
    const pdf = await pdfText(mail.attachments[0]!.content);
    for (const shown of ['李氏慈善基金會', '商業登記號碼', '1234 5678']) expect(pdf).toContain(shown);
    // Anonymous as any donor may be: the campaign page does not name it.
    expect((await request(h.url).get(`/campaigns/${slug}`).expect(200)).text).not.toContain('李氏慈善基金會');
  });

  it('refuses an organisation’s gift without its name, beside the field, in each language, keeping what was typed and storing nothing', async () => {
    const before = await countDonations();
    const said = {
      en: 'Enter the organisation’s name, as its receipt should be made out.',
      'zh-CN': '请输入机构名称，即收据的抬头。',
      'zh-HK': '請輸入機構名稱，即收據的抬頭。',
    };
    for (const [locale, message] of Object.entries(said)) {
      const res = await request(h.url).post(`/campaigns/${slug}/donate`).type('form').send(anEnterprise({ locale, organisation_name: '   ' })).expect(422);
      expect(fieldsInError(res.text)).toEqual(['organisation_name']);
      expect(fieldError(res.text, 'organisation_name')).toBe(message);
      expect(res.text).toContain('<li><a href="#organisation_name">');
      expect(res.text).toMatch(/id="organisation_name"[^>]*aria-describedby="organisation_name-hint organisation_name-error"/);
      // The choice and what was typed come back as they were sent.
      expect(checkedRadio(res.text, 'giving_as')).toBe('organisation');
      expect(selectedOption(res.text, 'organisation_kind')).toBe('enterprise');
      expect(inputValue(res.text, 'contact_name')).toBe('Ada Lam');
      expect(inputValue(res.text, 'business_registration')).toBe('12345678-000-03-24-A');
    }
    expect(await countDonations()).toBe(before);
  });

  it.each([
    ['a registration number over 40 characters', { business_registration: '1'.repeat(41) }, 'business_registration', 'A business registration number has at most 40 letters, digits, spaces, hyphens (-) or slashes (/).'],
    ['markup for a registration number', { business_registration: '<b>1234</b>' }, 'business_registration', 'A business registration number has at most 40 letters, digits, spaces, hyphens (-) or slashes (/).'],
    ['a registration number of punctuation alone', { business_registration: '--//--' }, 'business_registration', 'A business registration number has at most 40 letters, digits, spaces, hyphens (-) or slashes (/).'],
    ['no kind of organisation', { organisation_kind: '' }, 'organisation_kind', 'Choose the kind of organisation.'],
    ['a kind that is not one', { organisation_kind: 'person' }, 'organisation_kind', 'Choose the kind of organisation.'],
    ['a contact’s name over 100 characters', { contact_name: 'A'.repeat(101) }, 'contact_name', 'Use at most 100 characters for the contact’s name.'],
    ['neither a person nor an organisation', { giving_as: 'robot' }, 'giving_as', 'Choose whether you are giving as a person or as an organisation.'],
  ])('refuses %s beside the field and stores nothing', async (_case, fields, field, message) => {
    const before = await countDonations();
    const res = await request(h.url).post(`/campaigns/${slug}/donate`).type('form').send(anEnterprise(fields)).expect(422);
    expect(fieldsInError(res.text)).toEqual([field]);
    expect(fieldError(res.text, field)).toBe(message);
    expect(await countDonations()).toBe(before);
  });

  it('leaves a person’s gift as it was: their name on the receipt, no organisation lines, organisation fields a browser sent anyway unread', async () => {
    const donation = await giveAndPay(aDonor({ email: 'mei@example.com', name: 'Mei Chan' }));
    expect(await h.donation(donation.id)).toMatchObject({ donor_name: 'Mei Chan', donor_type: 'person', donor_contact_name: null, donor_business_registration: null });
    const mail = await receiptTo('mei@example.com');
    expect(mail.text).toContain('Donor: Mei Chan');
    expect(mail.text).not.toMatch(/Contact:|Business registration:/);
    expect(await pdfText(mail.attachments[0]!.content)).not.toContain('Business registration');

    // A browser without the style sheet that hides them sends the organisation's fields too: a person's gift ignores them.
    const { donation: other } = await h.give(slug, aDonor({ email: 'sam@example.com', name: 'Sam Ho', giving_as: 'person', organisation_kind: 'enterprise', organisation_name: 'Not Me Ltd', business_registration: '<nonsense>' }));
    expect(other).toMatchObject({ donor_name: 'Sam Ho', donor_type: 'person', donor_contact_name: null, donor_business_registration: null });
  });

  it('shows a person the choice, a person first, on a fresh form; refills an organisation’s gift from the retry link', async () => {
    const fresh = (await request(h.url).get(`/campaigns/${slug}`).expect(200)).text;
    expect(checkedRadio(fresh, 'giving_as')).toBe('person');
    expect(fresh).toContain('<legend>I am giving as</legend>');
    expect(fresh).toContain('<option value="foundation" >A foundation</option>');

    const { donation } = await h.give(slug, anEnterprise({ email: 'retry@harbourdental.hk', organisation_kind: 'chamber_of_commerce', organisation_name: 'Kowloon Chamber of Commerce' }));
    const again = (await request(h.url).get(`/campaigns/${slug}?retry=${signToken(h.config.sessionSecret, 'retry', donation.id)}`).expect(200)).text;
    expect(checkedRadio(again, 'giving_as')).toBe('organisation');
    expect(selectedOption(again, 'organisation_kind')).toBe('chamber_of_commerce');
    expect(inputValue(again, 'organisation_name')).toBe('Kowloon Chamber of Commerce');
    expect(inputValue(again, 'contact_name')).toBe('Ada Lam');
    expect(inputValue(again, 'business_registration')).toBe('12345678-000-03-24-A');
  });

  it('lets finance record an offline gift from a foundation with its contact and registration, and refuses them for a person', async () => {
    const offline = { donor_type: 'foundation', donor_name: 'Tung Foundation', contact_name: 'Grace Tung', business_registration: '87654321', donor_email: '', amount: '20000', currency: 'HKD', method: 'cheque', reference: 'CHQ 900', received_on: '2026-06-09', campaign: slug, locale: 'en', show_name: 'yes' };
    const form = (await finance.agent.get('/staff/finance/offline-gifts').expect(200)).text;
    expect(form).toContain('value="foundation"');
    const recorded = await finance.post('/staff/finance/offline-gifts', offline).expect(303);
    const id = /\/staff\/finance\/gifts\/([0-9a-f-]{36})/.exec(String(recorded.headers.location))![1]!;
    expect(await h.donation(id)).toMatchObject({ origin: 'offline', donor_type: 'foundation', donor_contact_name: 'Grace Tung', donor_business_registration: '87654321' });
    const page = decodeEntities((await finance.agent.get(`/staff/finance/gifts/${id}`).expect(200)).text);
    expect(page).toContain('<dd>Grace Tung</dd>');
    expect(page).toContain('<dd>87654321</dd>');
    const pdfPath = /href="(\/receipts\/[^"]+\/pdf)"/.exec(page)?.[1];
    const pdf = await pdfText((await downloadBytes(h.url, pdfPath!)).body);
    for (const shown of ['Tung Foundation', 'Grace Tung', '87654321']) expect(pdf).toContain(shown);

    const refused = await finance.post('/staff/finance/offline-gifts', { ...offline, donor_type: 'person', donor_name: 'Grace Tung', reference: 'CHQ 901' }).expect(422);
    const text = decodeEntities(refused.text);
    expect(text).toContain('Only an organisation has a contact and a business registration number: choose its kind above, or leave these empty.');
    expect(await h.database.db.selectFrom('ledger_entries').select('id').where('reference', '=', 'CHQ 901').execute()).toEqual([]);
  });

  it('lets finance list and export the gifts of one kind of donor, with each gift’s contact and registration', async () => {
    const page = (await finance.agent.get('/staff/finance/gifts?donor_type=enterprise').expect(200)).text;
    const listed = [...page.matchAll(/data-gift="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const enterprises = await h.database.db.selectFrom('donations').select('id').where('donor_type', '=', 'enterprise').where('status', '=', 'succeeded').execute();
    expect(listed.sort()).toEqual(enterprises.map((d) => d.id).sort());
    expect(listed).toHaveLength(1);
    expect(page).toContain('data-donor-kind>· An enterprise</span>');
    expect(selectedOption(page, 'f-donor-type')).toBe('enterprise');
    // The download link carries the filter.
    expect(decodeEntities(page)).toContain('/staff/finance/exports/gifts.csv?donor_type=enterprise');

    const [header, ...rows] = csvRows(await downloadText(finance, '/staff/finance/exports/gifts.csv?donor_type=enterprise'));
    const column = (name: string) => header!.indexOf(name);
    expect(header).toEqual(expect.arrayContaining(['donor_name', 'donor_type', 'contact_name', 'business_registration']));
    expect(rows).toHaveLength(1);
    expect([rows[0]![column('donor_name')], rows[0]![column('donor_type')], rows[0]![column('contact_name')], rows[0]![column('business_registration')]]).toEqual([
      'Harbour Dental Ltd',
      'enterprise',
      'Ada Lam',
      '12345678-000-03-24-A',
    ]);

    // Every organisation at once, or only people.
    const organisations = csvRows(await downloadText(finance, '/staff/finance/exports/gifts.csv?donor_type=organisation')).slice(1);
    expect(new Set(organisations.map((row) => row[column('donor_type')]))).toEqual(new Set(['enterprise', 'foundation']));
    const people = csvRows(await downloadText(finance, '/staff/finance/exports/gifts.csv?donor_type=person')).slice(1);
    expect(people.length).toBeGreaterThan(0);
    expect(people.every((row) => row[column('donor_type')] === 'person' && row[column('contact_name')] === '' && row[column('business_registration')] === '')).toBe(true);

    // Donors, with who each one is.
    const [donorHeader, ...donors] = csvRows(await downloadText(finance, '/staff/finance/exports/donors.csv'));
    const harbour = donors.find((row) => row[donorHeader!.indexOf('email')] === 'giving@harbourdental.hk');
    expect(harbour![donorHeader!.indexOf('donor_type')]).toBe('enterprise');

    // A kind finance does not know is said, in the reader's language, and not applied.
    const bad = await finance.agent.get('/staff/finance/gifts?donor_type=guild').expect(422);
    expect(decodeEntities(bad.text)).toContain('Choose a donor kind from the list.');
  });

  it('names a donor who gave as their company and then as themselves as themselves, a person', async () => {
    await giveAndPay(anEnterprise({ name: 'Ada Lam', giving_as: 'person' }));
    const donor = await h.database.db.selectFrom('donors').selectAll().where('email', '=', 'giving@harbourdental.hk').executeTakeFirstOrThrow();
    expect(donor).toMatchObject({ name: 'Ada Lam', donor_type: 'person' });
  });

  // Last: it moves the emulator's clock, which renews every subscription in it.
  it('makes a monthly gift’s renewals out to the organisation as its first gift was', async () => {
    const first = await giveAndPay(anEnterprise({ email: 'monthly@kowloon-chamber.hk', frequency: 'month', amount: '1000', organisation_kind: 'chamber_of_commerce', organisation_name: 'Kowloon Chamber of Commerce', contact_name: 'Henry Ip' }));
    const advanced = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { seconds: 31 * 24 * 60 * 60 });
    expect(advanced.invoices.length).toBeGreaterThanOrEqual(1);
    await h.settle();
    const gifts = await h.database.db.selectFrom('donations').selectAll().where('recurring_plan_id', '=', first.recurring_plan_id!).orderBy('created_at').execute();
    expect(gifts.map((g) => [g.origin, g.donor_name, g.donor_type, g.donor_contact_name, g.donor_business_registration])).toEqual([
      ['checkout', 'Kowloon Chamber of Commerce', 'chamber_of_commerce', 'Henry Ip', '12345678-000-03-24-A'],
      ['subscription', 'Kowloon Chamber of Commerce', 'chamber_of_commerce', 'Henry Ip', '12345678-000-03-24-A'],
    ]);
    await waitUntil('the renewal’s receipt', () => h.mail.to('monthly@kowloon-chamber.hk').length >= 2);
    expect(h.mail.to('monthly@kowloon-chamber.hk')[1]!.text).toContain('Contact: Henry Ip');
  });
});
