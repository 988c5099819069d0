// A mainland partner's receipt (公益事业捐赠票据) for a gift: finance records its number and scan on the gift's
// page, the donor sees it in their account and downloads the very same file, nobody else can; a wrong form is
// answered beside its fields with nothing stored; a replacement keeps the receipt it replaces; all audited.
import { sql } from 'kysely';
import request from 'supertest';
import { messages } from '../../server/i18n/messages';
import { giveAndPay, signIn } from '../donors/account-helpers';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities, fieldError, fieldsInError, inputValue, links } from '../support/html';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR not a real picture, but a PNG by its signature')]);

type Agent = ReturnType<typeof request.agent>;
interface Scan {
  content: Buffer;
  filename: string;
  contentType: string;
}

/** A file download's exact bytes. */
const download = (agent: Agent | request.Agent, path: string) =>
  agent
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

/** The text of the element carrying `data-NAME`, tags dropped and entities decoded. */
const dataText = (html: string, name: string) => decodeEntities((new RegExp(`<[^>]+ data-${name}(?:="[^"]*")?>([\\s\\S]*?)</(?:dd|p)>`).exec(html)?.[1] ?? '').replace(/<[^>]*>/g, '')).trim();

describe('a mainland partner’s receipt for a gift', () => {
  let h: GivingHarness;
  let finance: StaffAgent;
  let manager: StaffAgent;
  let financeId: number;
  let meiGiftId: string;
  let firstReceiptId: number;
  const mei = 'mei.chan@example.com';
  const wing = 'wing.lee@example.com';
  const partner = '深圳市某某慈善会';

  const giftPage = (id: string) => `/staff/finance/gifts/${id}`;
  /** Sends the gift page's form, a scan attached when given; `current` is the receipt the page showed, if any. */
  const record = (agent: StaffAgent, giftId: string, fields: Record<string, string>, file?: Scan) => {
    let req = agent.agent.post(`${giftPage(giftId)}/partner-receipts`).field('_csrf', agent.csrf);
    for (const [name, value] of Object.entries({ current: '', ...fields })) req = req.field(name, value);
    return file ? req.attach('file', file.content, { filename: file.filename, contentType: file.contentType }) : req;
  };
  const count = async (table: 'partner_receipts' | 'audit_log') => Number((await h.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const receiptsOf = (giftId: string) => h.database.db.selectFrom('partner_receipts').selectAll().where('donation_id', '=', giftId).orderBy('id').execute();
  const auditOf = (giftId: string, action: string) => h.database.db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'donation').where('subject_id', '=', giftId).where('action', '=', action).execute();

  beforeAll(async () => {
    h = await startGivingHarness();
    const fiona = await aStaffMember(h.database.db, ['finance'], { name: 'Fiona Finance' });
    financeId = fiona.id;
    finance = await signInAs(h.url, fiona.email);
    manager = await signInAs(h.url, (await aStaffMember(h.database.db, ['campaign_manager'], { name: 'Carl Manager' })).email);
    meiGiftId = (await giveAndPay(h, { email: mei, name: 'Mei Chan', amount: '500' })).id;
    await giveAndPay(h, { email: wing, name: 'Wing Lee', amount: '345' });
  });
  afterAll(() => h.stop());

  it('is recorded by finance with its number and PDF, shown on the gift’s page, audited, and downloaded as the same bytes', async () => {
    const before = (await finance.agent.get(giftPage(meiGiftId)).expect(200)).text;
    expect(before).toContain('No partner’s receipt is recorded for this gift.');
    expect(before).toContain('Record the receipt');

    const sent = await record(finance, meiGiftId, { partner, number: '44010122-0000123456', issued_on: '2026-06-10' }, { content: pdf, filename: 'C:\\scans\\票据 Mei.pdf', contentType: 'application/pdf' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`${giftPage(meiGiftId)}?partnerReceipt=recorded#partner-receipt`);

    const [row] = await receiptsOf(meiGiftId);
    expect(row).toMatchObject({ partner_name: partner, receipt_number: '44010122-0000123456', issued_on: '2026-06-10', filename: '票据 Mei.pdf', content_type: 'application/pdf', byte_size: pdf.length, replaces_id: null, recorded_by: financeId });
    firstReceiptId = row!.id;

    const page = (await finance.agent.get(`${giftPage(meiGiftId)}?partnerReceipt=recorded`).expect(200)).text;
    expect(page).toContain('The partner’s receipt is recorded; the donor sees it in their account.');
    expect(dataText(page, 'partner')).toBe(partner);
    expect(dataText(page, 'number')).toBe('44010122-0000123456');
    expect(dataText(page, 'recorded')).toMatch(/^Fiona Finance, Jun 10, 2026/);
    expect(decodeEntities(page)).toContain('票据 Mei.pdf');
    // The form now replaces it, and offers its issuer again.
    expect(page).toContain('Replace the receipt');
    expect(inputValue(page, 'partner-receipt-partner')).toBe(partner);

    const fileLink = `${giftPage(meiGiftId)}/partner-receipts/${firstReceiptId}/file`;
    expect(links(page)).toContain(fileLink);
    const scan = await download(finance.agent, fileLink).expect(200);
    expect(Buffer.compare(scan.body as Buffer, pdf)).toBe(0);
    expect(scan.headers['content-type']).toBe('application/pdf');
    expect(scan.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*\.pdf"; filename\*=UTF-8''%E7%A5%A8%E6%8D%AE%20Mei\.pdf$/);
    expect(scan.headers['x-content-type-options']).toBe('nosniff');
    expect(scan.headers['cache-control']).toBe('private, no-store');

    const [entry] = await auditOf(meiGiftId, 'gift.partner_receipt_recorded');
    expect(entry).toMatchObject({ staff_id: financeId, before: null });
    expect(entry!.after).toEqual({ id: firstReceiptId, partner, number: '44010122-0000123456', issued_on: '2026-06-10', file: { filename: '票据 Mei.pdf', content_type: 'application/pdf', bytes: pdf.length } });
    const audit = decodeEntities((await (await signInAs(h.url, (await aStaffMember(h.database.db, ['admin'])).email)).agent.get('/staff/audit').expect(200)).text);
    expect(audit).toContain(`Fiona Finance recorded a mainland partner’s receipt for gift ${meiGiftId.slice(0, 8)}.`);
  });

  it('is shown to the donor in their account, in their language, with the scan to download', async () => {
    const { agent } = await signIn(h, mei);
    const page = (await agent.get('/account').expect(200)).text;
    expect(dataText(page, 'partner-receipt')).toBe(`Mainland receipt (公益事业捐赠票据) from ${partner}: No. 44010122-0000123456 (issued Jun 10, 2026) · Download the partner’s receipt`);
    const link = `/account/gifts/${meiGiftId}/partner-receipt`;
    expect(links(page)).toContain(link);
    // On its own line under the gift it belongs to.
    expect(page).toMatch(new RegExp(`<tr data-gift="${meiGiftId}">[\\s\\S]*?</tr>\\s*<tr class="partner-receipt-row" data-partner-receipt-of="${meiGiftId}">`));

    const file = await download(agent, link).expect(200);
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*\.pdf"; filename\*=UTF-8''%E7%A5%A8%E6%8D%AE%20Mei\.pdf$/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['cache-control']).toBe('private, no-store');

    const hk = (await agent.get('/account').set('Accept-Language', 'zh-HK').expect(200)).text;
    expect(dataText(hk, 'partner-receipt')).toContain(`${partner}開具的內地公益事業捐贈票據：票據號碼 44010122-0000123456`);
    const cn = (await agent.get('/account').set('Accept-Language', 'zh-CN').expect(200)).text;
    expect(dataText(cn, 'partner-receipt')).toContain(`${partner}开具的公益事业捐赠票据：票据号码 44010122-0000123456`);
  });

  it('is opened by nobody else: another donor and a visitor are told there is no such file, a colleague outside finance is refused', async () => {
    const link = `/account/gifts/${meiGiftId}/partner-receipt`;
    const other = await signIn(h, wing);
    const wingPage = (await other.agent.get('/account').expect(200)).text;
    expect(wingPage).not.toContain('data-partner-receipt');
    expect(wingPage).not.toContain(partner);
    const refused = await other.agent.get(link).expect(404);
    expect(refused.text).not.toContain(partner);
    await request(h.url).get(link).expect(404);
    await request(h.url).get('/account/gifts/not-a-gift/partner-receipt').expect(404);

    const staffFile = `${giftPage(meiGiftId)}/partner-receipts/${firstReceiptId}/file`;
    await manager.agent.get(staffFile).expect(403);
    await manager.agent.get(giftPage(meiGiftId)).expect(403);
    const before = await count('partner_receipts');
    await record(manager, meiGiftId, { partner, number: 'X-1', current: String(firstReceiptId) }, { content: pdf, filename: 'r.pdf', contentType: 'application/pdf' }).expect(403);
    await request(h.url).post(`${giftPage(meiGiftId)}/partner-receipts`).field('partner', partner).attach('file', pdf, 'r.pdf').expect(403);
    const visitor = await request(h.url).get(staffFile).expect(303);
    expect(visitor.headers.location).toMatch(/^\/staff\/sign-in\?next=/);
    // A receipt of another gift, or none at all, is not found through this gift.
    await finance.agent.get(`${giftPage(meiGiftId)}/partner-receipts/999999/file`).expect(404);
    expect(await count('partner_receipts')).toBe(before);
  });

  it('answers a wrong form beside each field, in the reader’s language, keeps what was typed, and stores nothing', async () => {
    const before = await Promise.all([count('partner_receipts'), count('audit_log')]);
    const current = String(firstReceiptId);
    const good = { partner: '广州市某某基金会', number: 'GZ-2026-0042', issued_on: '2026-06-10', current };
    const goodFile = { content: pdf, filename: 'receipt.pdf', contentType: 'application/pdf' };

    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    const disguised = await record(finance, meiGiftId, good, { content: html, filename: 'receipt.pdf', contentType: 'application/pdf' }).expect(422);
    expect(fieldsInError(disguised.text)).toEqual(['partner-receipt-file']);
    expect(fieldError(disguised.text, 'partner-receipt-file')).toBe('Attach a PDF, JPEG or PNG file.');
    expect(inputValue(disguised.text, 'partner-receipt-partner')).toBe('广州市某某基金会');
    expect(inputValue(disguised.text, 'partner-receipt-number')).toBe('GZ-2026-0042');

    const tooLarge = await record(finance, meiGiftId, good, { content: Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]), filename: 'big.pdf', contentType: 'application/pdf' }).expect(422);
    expect(fieldError(tooLarge.text, 'partner-receipt-file')).toBe('The file is 5.0 MB: attach a scan of at most 5 MB.');
    const noFile = await record(finance, meiGiftId, good).expect(422);
    expect(fieldError(noFile.text, 'partner-receipt-file')).toBe('Attach the scan of the receipt: a PDF, JPEG or PNG file.');

    const everything = await record(finance, meiGiftId, { partner: '', number: 'A'.repeat(65), issued_on: '2026-06-11', current }, goodFile).expect(422);
    expect(fieldsInError(everything.text)).toEqual(['partner-receipt-partner', 'partner-receipt-number', 'partner-receipt-issued_on']);
    expect(fieldError(everything.text, 'partner-receipt-partner')).toBe('Enter the name of the mainland partner that issued the receipt, in at most 200 characters.');
    expect(fieldError(everything.text, 'partner-receipt-number')).toBe('Enter the receipt number as printed: 1 to 64 letters, digits, spaces or punctuation marks.');
    expect(fieldError(everything.text, 'partner-receipt-issued_on')).toBe('The date of issue cannot be after today.');
    // An invisible character is not part of any printed number; a day before the gift is no day for its receipt.
    const invisible = await record(finance, meiGiftId, { ...good, number: 'GZ\u200b2026' }, goodFile).expect(422);
    expect(fieldsInError(invisible.text)).toEqual(['partner-receipt-number']);
    const early = await record(finance, meiGiftId, { ...good, issued_on: '2026-06-09' }, goodFile).expect(422);
    expect(fieldError(early.text, 'partner-receipt-issued_on')).toBe('The receipt cannot be dated before the gift (Jun 10, 2026).');
    const notADay = await record(finance, meiGiftId, { ...good, issued_on: '2026-02-30' }, goodFile).expect(422);
    expect(fieldError(notADay.text, 'partner-receipt-issued_on')).toBe('Enter the date of issue as a date, or leave it empty.');

    for (const locale of ['zh-CN', 'zh-HK'] as const) {
      const answer = await record(finance, meiGiftId, { ...good, partner: '' }, goodFile).set('Accept-Language', locale).expect(422);
      expect(fieldError(answer.text, 'partner-receipt-partner')).toBe(messages[locale]['partnerReceipt.error.partner']);
    }

    // A body beyond what the form takes, and one that is not multipart at all underneath, are refused plainly.
    await record(finance, meiGiftId, good, { content: Buffer.alloc(9 * 1024 * 1024), filename: 'huge.pdf', contentType: 'application/pdf' }).expect(413);
    const cutShort = `--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${finance.csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name="number"\r\n\r\nhalf a`;
    await finance.agent.post(`${giftPage(meiGiftId)}/partner-receipts`).set('Content-Type', 'multipart/form-data; boundary=XyZ').send(cutShort).expect(400);
    await finance.agent.post(`${giftPage(meiGiftId)}/partner-receipts`).set('Content-Type', 'multipart/form-data').send(cutShort).expect(400);
    await finance.agent.post(`/staff/finance/gifts/not-a-gift/partner-receipts`).field('_csrf', finance.csrf).field('partner', partner).expect(404);

    expect(await Promise.all([count('partner_receipts'), count('audit_log')])).toEqual(before);
  });

  it('is refused for a gift that was never paid', async () => {
    const { donation } = await h.give('speech-therapy-fund', aDonor({ email: 'unpaid@example.com' }));
    const before = await count('partner_receipts');
    const answer = await record(finance, donation.id, { partner, number: 'A-1' }, { content: pdf, filename: 'r.pdf', contentType: 'application/pdf' }).expect(409);
    expect(decodeEntities(answer.text)).toContain('Only a paid gift can carry a partner’s receipt: this one is');
    expect(await count('partner_receipts')).toBe(before);
  });

  it('is replaced by a new one that the donor sees, the old one kept in the gift’s history; a form sent from an older page replaces nothing', async () => {
    const replaced = await record(finance, meiGiftId, { partner, number: '44010122-0000123999', issued_on: '', current: String(firstReceiptId) }, { content: png, filename: 'rescan.png', contentType: 'image/png' });
    expect(replaced.status).toBe(303);
    expect(replaced.headers.location).toBe(`${giftPage(meiGiftId)}?partnerReceipt=replaced#partner-receipt`);
    const [first, second] = await receiptsOf(meiGiftId);
    expect(first!.id).toBe(firstReceiptId);
    expect(second).toMatchObject({ replaces_id: firstReceiptId, receipt_number: '44010122-0000123999', issued_on: null, content_type: 'image/png', filename: 'rescan.png' });

    const page = (await finance.agent.get(giftPage(meiGiftId)).expect(200)).text;
    expect(dataText(page, 'number')).toBe('44010122-0000123999');
    expect(page).toContain(`data-replaced-partner-receipt="${firstReceiptId}"`);
    expect(decodeEntities(page)).toContain('Replaced receipts (1)');
    // The replaced scan stays with finance.
    const old = await download(finance.agent, `${giftPage(meiGiftId)}/partner-receipts/${firstReceiptId}/file`).expect(200);
    expect(Buffer.compare(old.body as Buffer, pdf)).toBe(0);

    const [entry] = await auditOf(meiGiftId, 'gift.partner_receipt_replaced');
    expect(entry).toMatchObject({ staff_id: financeId });
    expect(entry!.before).toMatchObject({ id: firstReceiptId, number: '44010122-0000123456' });
    expect(entry!.after).toMatchObject({ id: second!.id, number: '44010122-0000123999', issued_on: null, file: { filename: 'rescan.png', content_type: 'image/png', bytes: png.length } });

    // The donor sees only the new one, and downloads it as the picture it is.
    const { agent } = await signIn(h, mei);
    const account = (await agent.get('/account').expect(200)).text;
    expect(dataText(account, 'partner-receipt')).toBe(`Mainland receipt (公益事业捐赠票据) from ${partner}: No. 44010122-0000123999 · Download the partner’s receipt`);
    expect(account).not.toContain('0000123456');
    const file = await download(agent, `/account/gifts/${meiGiftId}/partner-receipt`).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(file.body as Buffer, png)).toBe(0);

    // A colleague's page drawn before the replacement still names the first receipt: it is refused, not stacked.
    const before = await Promise.all([count('partner_receipts'), count('audit_log')]);
    for (const stale of [String(firstReceiptId), '']) {
      const answer = await record(finance, meiGiftId, { partner, number: 'LATE-1', current: stale }, { content: pdf, filename: 'late.pdf', contentType: 'application/pdf' }).expect(409);
      expect(decodeEntities(answer.text)).toContain('A colleague recorded another receipt for this gift meanwhile.');
      // The page it answers with offers to replace what is current now.
      expect(/<input type="hidden" name="current" value="(\d+)">/.exec(answer.text)?.[1]).toBe(String(second!.id));
      expect(inputValue(answer.text, 'partner-receipt-number')).toBe('LATE-1');
    }
    expect(await Promise.all([count('partner_receipts'), count('audit_log')])).toEqual(before);

    // Nothing recorded is ever changed or deleted, whoever asks the database; nor can a gift hold two chains.
    await expect(sql`update partner_receipts set receipt_number = 'X' where id = ${firstReceiptId}`.execute(h.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from partner_receipts where id = ${second!.id}`.execute(h.database.db)).rejects.toThrow(/append-only/);
    const copy = (replaces: number | null) => sql`insert into partner_receipts (donation_id, replaces_id, partner_name, receipt_number, filename, content_type, content, recorded_by, recorded_at) values (${meiGiftId}, ${replaces}, 'x', 'x', 'x.pdf', 'application/pdf', ${pdf}, ${financeId}, now())`;
    await expect(copy(null).execute(h.database.db)).rejects.toThrow(/partner_receipts_first_of_donation/);
    await expect(copy(firstReceiptId).execute(h.database.db)).rejects.toThrow(/partner_receipts_replaced_once/);
  });
});
