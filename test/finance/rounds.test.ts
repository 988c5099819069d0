// What a round spent and achieved, kept honestly: finance records the May round's spending in two
// currencies with receipt scans (downloaded only by finance, as attachments of their own type), takes a
// line back by a reversal (once), and carries part of its balance to the next round by a transfer that can
// never exceed what the round holds; the campaign manager records outcomes and reverses one. The statement
// page and its CSV add up per currency to the minor unit, every change is audited, and every page speaks
// English, Simplified Chinese and Traditional Chinese as Hong Kong writes it.
import { sql } from 'kysely';
import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { recordTransfer } from '../../server/finance/rounds/transfers';
import { messages } from '../../server/i18n/messages';
import type { Locale } from '../../server/locale';
import { roundOutcomes } from '../../server/missions/rounds/outcomes';
import { findRoundBySlug } from '../../server/missions/rounds/rounds.repository';
import { roundBalance, roundIncome, roundStatement } from '../../server/missions/rounds/statement';
import { foreignSentences } from '../support/catalog-leaks';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities, fieldError, fieldsInError, inputValue } from '../support/html';
import { aDonorRow, aLedgerEntry, aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, downloadText, signInAs, type StaffAgent } from '../support/staff';
import { csvRows, minorUnits } from '../support/csv';

const rounds = demoRounds(testNow);
const may = rounds.closed[0]!.slug;
const november = rounds.closed[1]!.slug;
const july = rounds.open.slug;
const statement = `/staff/finance/rounds/${may}`;

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR not a real picture, but a PNG by its signature')]);

/** The text of each element carrying `data-NAME` inside the fund card of `currency`, tags dropped. */
function fundCard(html: string, currency: string): Record<string, string> {
  const card = new RegExp(`<li data-currency="${currency}">([\\s\\S]*?)</li>`).exec(html)?.[1] ?? '';
  const read = (name: string) => decodeEntities(new RegExp(`<dd data-${name}>([^<]*)</dd>`).exec(card)?.[1] ?? '').trim();
  return { income: read('income'), spent: read('spent'), in: read('transfers-in'), out: read('transfers-out'), balance: read('balance') };
}


describe('a round’s spending, outcomes, transfers and statement', () => {
  let t: TestContext;
  let finance: StaffAgent;
  let manager: StaffAgent;
  let admin: StaffAgent;
  let mayId: number;
  let julyId: number;
  let novemberId: number;

  const rowsOf = async (table: 'round_spending' | 'round_spending_attachments' | 'round_outcomes' | 'fund_transfers' | 'audit_log') =>
    Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const spendingRows = () => t.database.db.selectFrom('round_spending').selectAll().where('campaign_id', '=', mayId).orderBy('id').execute();

  /** Records spending on a round through the form, a receipt scan attached when given. */
  const spend = (agent: StaffAgent, slug: string, fields: Record<string, string>, file?: { content: Buffer; filename: string; contentType: string }) => {
    let req = agent.agent.post(`/staff/finance/rounds/${slug}/spending`).field('_csrf', agent.csrf);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return file ? req.attach('attachment', file.content, { filename: file.filename, contentType: file.contentType }) : req;
  };

  beforeAll(async () => {
    t = await startTestContext();
    // The campaigns without the demo's own money: the figures below are this file's gifts.
    await seedDemoData(t.database.db, testNow, { closedRoundMoney: false });
    const { db } = t.database;
    [mayId, julyId, novemberId] = [await campaignId(db, may), await campaignId(db, july), await campaignId(db, november)];
    const donor = await aDonorRow(db, 'mei@example.com', 'Mei');
    const inMay = new Date('2026-05-12T04:00:00Z');
    // The May round raised CN¥1,500.00 (CN¥250.00 of it refunded), HK$800.00 and US$100.00.
    const yuan = await aPaidGift(db, { campaignId: mayId, donorId: donor, amount: 150_000, currency: 'CNY', settlement: { amount: 162_000, currency: 'HKD', rate: '1.08' }, occurredAt: inMay });
    await aLedgerEntry(db, yuan, { kind: 'refund', amount: -25_000, settlement: { amount: -27_000, currency: 'HKD' } });
    await aPaidGift(db, { campaignId: mayId, donorId: donor, amount: 80_000, currency: 'HKD', occurredAt: inMay });
    await aPaidGift(db, { campaignId: mayId, donorId: null, amount: 10_000, currency: 'USD', settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' }, occurredAt: inMay });
    finance = await signInAs(t.app, (await aStaffMember(db, ['finance'], { name: 'Fiona Finance' })).email);
    manager = await signInAs(t.app, (await aStaffMember(db, ['campaign_manager'], { name: 'Carl Manager' })).email);
    admin = await signInAs(t.app, (await aStaffMember(db, ['admin'], { name: 'Ada Admin' })).email);
  });
  afterAll(() => t.close());

  describe('spending', () => {
    it('is recorded in two currencies with receipt scans, downloaded as attachments of their own type by finance and admins only', async () => {
      const yuan = await spend(finance, may, { category: 'surgeries', amount: '600.50', currency: 'CNY', spent_on: '2026-05-20', note: 'Theatre time at the county hospital' }, { content: pdf, filename: 'receipt.pdf', contentType: 'application/pdf' });
      expect(yuan.status).toBe(303);
      expect(yuan.headers.location).toBe(`${statement}?done=spending#main`);
      // Typed in lower case, named with folders and in Chinese: stored as HKD, under the file's own name.
      const hkd = await spend(finance, may, { category: 'travel', amount: '120', currency: 'hkd', spent_on: '2026-05-18', note: 'Team train tickets' }, { content: png, filename: 'C:\\scans\\收據 May.png', contentType: 'image/png' });
      expect(hkd.status).toBe(303);

      const [first, second] = await spendingRows();
      expect(first).toMatchObject({ category: 'surgeries', amount: 60_050, currency: 'CNY', spent_on: '2026-05-20', reverses_id: null });
      expect(second).toMatchObject({ category: 'travel', amount: 12_000, currency: 'HKD', spent_on: '2026-05-18' });
      const page = (await finance.agent.get(`${statement}?done=spending`).expect(200)).text;
      expect(page).toContain('The spending is recorded.');
      expect(page).toContain('receipt.pdf');
      expect(decodeEntities(page)).toContain('收據 May.png');

      const download = (agent: ReturnType<typeof request.agent>, id: number) => agent.get(`${statement}/spending/${id}/attachment`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      const scan = await download(finance.agent, first!.id).expect(200);
      expect(scan.headers['content-type']).toBe('application/pdf');
      expect(scan.headers['content-disposition']).toBe('attachment; filename=receipt.pdf');
      expect(scan.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(scan.body as Buffer, pdf)).toBe(0);
      const picture = await download(admin.agent, second!.id).expect(200);
      expect(picture.headers['content-type']).toBe('image/png');
      expect(picture.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*\.png"; filename\*=UTF-8''%E6%94%B6%E6%93%9A%20May\.png$/);
      expect(Buffer.compare(picture.body as Buffer, png)).toBe(0);

      await manager.agent.get(`${statement}/spending/${first!.id}/attachment`).expect(403);
      const visitor = await request(t.app).get(`${statement}/spending/${first!.id}/attachment`).expect(303);
      expect(visitor.headers.location).toMatch(/^\/staff\/sign-in\?next=/);
      // A line without a scan, or of another round, has none to give.
      await finance.agent.get(`/staff/finance/rounds/${july}/spending/${first!.id}/attachment`).expect(404);

      // A campaign manager records no spending either, and a visitor's upload is never read.
      await spend(manager, may, { category: 'other', amount: '1', currency: 'CNY', spent_on: '2026-05-20', note: 'x' }).expect(403);
      await request(t.app).post(`${statement}/spending`).field('category', 'other').attach('attachment', pdf, 'r.pdf').expect(403);
      expect(await rowsOf('round_spending')).toBe(2);
    });

    it('answers bad input beside each field, keeps what was typed, and stores nothing', async () => {
      const before = await Promise.all([rowsOf('round_spending'), rowsOf('round_spending_attachments'), rowsOf('audit_log')]);
      const good = { category: 'medicine', amount: '80', currency: 'CNY', spent_on: '2026-05-21', note: 'Antibiotics' };

      const fraction = await spend(finance, may, { ...good, amount: '12.345', currency: 'HKD' }).expect(422);
      expect(fieldsInError(fraction.text)).toEqual(['spending-amount']);
      expect(fieldError(fraction.text, 'spending-amount')).toBe('Too many decimal places for HKD.');
      expect(inputValue(fraction.text, 'spending-amount')).toBe('12.345');

      const unknown = await spend(finance, may, { ...good, currency: 'XYZ' }).expect(422);
      expect(fieldError(unknown.text, 'spending-currency')).toBe('Enter the currency paid as its three-letter ISO code, such as CNY or HKD.');

      const noCategory = await spend(finance, may, { ...good, category: '', note: '' }).expect(422);
      expect(fieldsInError(noCategory.text)).toEqual(['spending-category', 'spending-note']);
      expect(fieldError(noCategory.text, 'spending-category')).toBe('Choose what the money was spent on.');

      const future = await spend(finance, may, { ...good, spent_on: '2026-06-11' }).expect(422);
      expect(fieldError(future.text, 'spending-spent_on')).toBe('The day the money was paid cannot be after today.');

      const large = Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]);
      const tooLarge = await spend(finance, may, good, { content: large, filename: 'big.pdf', contentType: 'application/pdf' }).expect(422);
      expect(fieldError(tooLarge.text, 'spending-attachment')).toBe('The file is 5.0 MB: attach a scan of at most 5 MB.');

      // A web page that calls itself a PDF is not one.
      const html = Buffer.from('<!doctype html><script>alert(1)</script>');
      const disguised = await spend(finance, may, good, { content: html, filename: 'receipt.pdf', contentType: 'application/pdf' }).expect(422);
      expect(fieldError(disguised.text, 'spending-attachment')).toBe('Attach a PDF, JPEG or PNG file.');
      const text = await spend(finance, may, good, { content: Buffer.from('just words'), filename: 'notes.txt', contentType: 'text/plain' }).expect(422);
      expect(fieldError(text.text, 'spending-attachment')).toBe('Attach a PDF, JPEG or PNG file.');

      // A body beyond what any form takes is refused before it is read through.
      await spend(finance, may, good, { content: Buffer.alloc(9 * 1024 * 1024), filename: 'huge.pdf', contentType: 'application/pdf' }).expect(413);
      // A body cut short before its closing boundary, or one that names no boundary, is a plain 400, never a 500.
      const cutShort = `--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${finance.csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhalf a`;
      await finance.agent.post(`${statement}/spending`).set('Content-Type', 'multipart/form-data; boundary=XyZ').send(cutShort).expect(400);
      await finance.agent.post(`${statement}/spending`).set('Content-Type', 'multipart/form-data').send(cutShort).expect(400);

      expect(await Promise.all([rowsOf('round_spending'), rowsOf('round_spending_attachments'), rowsOf('audit_log')])).toEqual(before);
    });

    it('takes a line back by a reversal once: a second reversal, and the reversal of a reversal, are refused', async () => {
      const [wrong] = await spendingRows();
      const path = `${statement}/spending/${wrong!.id}/reversal`;
      const noReason = await finance.post(path, { reason: '' }).expect(422);
      expect(fieldError(noReason.text, `reverse-spending-${wrong!.id}`)).toBe('Say why this line is taken back, in at most 500 characters.');
      await manager.post(path, { reason: 'not mine to reverse' }).expect(403);

      const reversed = await finance.post(path, { reason: 'Typed 600.50 for 650.00' }).expect(303);
      expect(reversed.headers.location).toBe(`${statement}?done=spendingReversed#main`);
      const reversal = (await spendingRows()).find((row) => row.reverses_id === wrong!.id)!;
      expect(reversal).toMatchObject({ campaign_id: mayId, category: 'surgeries', amount: -60_050, currency: 'CNY', spent_on: '2026-05-20', note: 'Typed 600.50 for 650.00' });

      const again = await finance.post(path, { reason: 'once more' }).expect(409);
      expect(decodeEntities(again.text)).toContain('This line has been reversed already.');
      const ofReversal = await finance.post(`${statement}/spending/${reversal.id}/reversal`, { reason: 'undo the undo' }).expect(409);
      expect(decodeEntities(ofReversal.text)).toContain('This line is itself a reversal and cannot be reversed');
      await finance.post(`${statement}/spending/999999/reversal`, { reason: 'nothing there' }).expect(404);
      expect(await rowsOf('round_spending')).toBe(3);

      // The right amount, recorded again.
      await spend(finance, may, { category: 'surgeries', amount: '650', currency: 'CNY', spent_on: '2026-05-20', note: 'Theatre time at the county hospital' }).expect(303);

      // Nothing is ever changed or deleted, whoever asks the database.
      await expect(sql`update round_spending set amount = 1 where id = ${wrong!.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from round_spending where id = ${reversal.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from round_spending_attachments`.execute(t.database.db)).rejects.toThrow(/append-only/);
    });
  });

  describe('outcomes', () => {
    const outcomesPage = `/staff/campaigns/${may}/outcomes`;

    it('are recorded and reversed by the campaign manager, net per procedure, and refused for finance', async () => {
      await manager.agent.get(outcomesPage).expect(200);
      const forms: Array<Record<string, string>> = [
        { kind: 'cleft_lip_repair', count: '90' },
        { kind: 'cleft_palate_repair', count: '55' },
        { kind: 'other_operation', label: 'Alveolar bone graft', count: '7' },
        // From a Chinese input method.
        { kind: 'speech_therapy_session', count: '３２０', note: 'Before the children went home' },
      ];
      for (const form of forms) {
        const res = await manager.post(outcomesPage, form).expect(303);
        expect(res.headers.location).toBe(`${outcomesPage}?done=recorded#main`);
      }
      const bad = await manager.post(outcomesPage, { kind: 'other_operation', label: '', count: '2.5' }).expect(422);
      expect(fieldsInError(bad.text)).toEqual(['outcome-label', 'outcome-count']);
      expect(fieldError(bad.text, 'outcome-count')).toBe('Enter a whole number from 1 to 100,000.');
      const noKind = await manager.post(outcomesPage, { kind: 'children', count: '5' }).expect(422);
      expect(fieldError(noKind.text, 'outcome-kind')).toBe('Choose what you are counting.');

      const palate = await t.database.db.selectFrom('round_outcomes').select('id').where('kind', '=', 'cleft_palate_repair').executeTakeFirstOrThrow();
      await manager.post(`${outcomesPage}/${palate.id}/reversal`, { reason: 'One more child was operated' }).expect(303);
      await manager.post(`${outcomesPage}/${palate.id}/reversal`, { reason: 'again' }).expect(409);
      await manager.post(outcomesPage, { kind: 'cleft_palate_repair', count: '56' }).expect(303);

      // Finance reads outcomes on the statement, and records none.
      await finance.post(outcomesPage, { kind: 'cleft_lip_repair', count: '1' }).expect(403);
      await finance.agent.get(outcomesPage).expect(403);
      await finance.post(`${outcomesPage}/${palate.id}/reversal`, { reason: 'x' }).expect(403);

      expect(await roundOutcomes(t.database.db, mayId)).toEqual({
        childrenOperated: 153,
        byProcedure: [
          { kind: 'cleft_lip_repair', label: null, count: 90 },
          { kind: 'cleft_palate_repair', label: null, count: 56 },
          { kind: 'other_operation', label: 'Alveolar bone graft', count: 7 },
        ],
        speechTherapySessions: 320,
      });
      expect(await rowsOf('round_outcomes')).toBe(6);
      const page = (await manager.agent.get(outcomesPage).expect(200)).text;
      expect(page).toContain('<dd data-children>153</dd>');
      expect(page).toContain('<dd data-sessions>320</dd>');
    });
  });

  describe('transfers', () => {
    const transfers = `${statement}/transfers`;

    it('carry no more than the round holds in a currency; one within it is recorded, audited, and taken back only while the receiving round still holds it', async () => {
      // CNY: CN¥1,250.00 raised, CN¥650.00 spent: CN¥600.00 to carry.
      const over = await finance.post(transfers, { to: july, currency: 'CNY', amount: '600.01', note: 'Carry the rest' }).expect(422);
      expect(fieldError(over.text, 'transfer-amount')).toBe('This round holds only CN¥600.00: a transfer cannot take more.');
      const elsewhere = await finance.post(transfers, { to: 'general', currency: 'JPY', amount: '100', note: '' }).expect(422);
      expect(fieldsInError(elsewhere.text)).toEqual(['transfer-to', 'transfer-currency', 'transfer-note']);
      await manager.post(transfers, { to: july, currency: 'CNY', amount: '1', note: 'x' }).expect(403);
      expect(await rowsOf('fund_transfers')).toBe(0);

      await finance.post(transfers, { to: july, currency: 'CNY', amount: '500', note: 'Carry the rest to July' }).expect(303);
      const transfer = await t.database.db.selectFrom('fund_transfers').selectAll().executeTakeFirstOrThrow();
      expect(transfer).toMatchObject({ from_campaign_id: mayId, to_campaign_id: julyId, amount: 50_000, currency: 'CNY', reverses_id: null });
      expect(await roundBalance(t.database.db, mayId, 'CNY')).toBe(10_000);

      // July spends CN¥450.00 of it: the transfer can no longer be taken back in full.
      await spend(finance, july, { category: 'medicine', amount: '450', currency: 'CNY', spent_on: '2026-06-09', note: 'Medicine bought ahead of the July mission' }).expect(303);
      const refused = await finance.post(`/staff/finance/rounds/${july}/transfers/${transfer.id}/reversal`, { reason: 'Sent too early' }).expect(409);
      expect(fieldError(refused.text, `reverse-transfer-${transfer.id}`)).toBe('The round that received it holds only CN¥50.00 in this currency now, so the transfer cannot be taken back in full.');

      const julySpending = await t.database.db.selectFrom('round_spending').select('id').where('campaign_id', '=', julyId).executeTakeFirstOrThrow();
      await finance.post(`/staff/finance/rounds/${july}/spending/${julySpending.id}/reversal`, { reason: 'Paid from the July round’s own gifts' }).expect(303);
      await finance.post(`${statement}/transfers/${transfer.id}/reversal`, { reason: 'Sent too early' }).expect(303);
      await finance.post(`${statement}/transfers/${transfer.id}/reversal`, { reason: 'Sent too early' }).expect(409);
      expect(await roundBalance(t.database.db, mayId, 'CNY')).toBe(60_000);
      expect(await roundBalance(t.database.db, julyId, 'CNY')).toBe(0);

      // Carried again, once the round closed its books.
      await finance.post(transfers, { to: july, currency: 'CNY', amount: '500', note: 'Carry the rest to July' }).expect(303);
      expect(await roundBalance(t.database.db, julyId, 'CNY')).toBe(50_000);
    });

    it('taken at the same moment never spend the same money twice', async () => {
      const { db } = t.database;
      await aPaidGift(db, { campaignId: novemberId, donorId: null, amount: 10_000, currency: 'CNY', occurredAt: new Date('2025-11-10T04:00:00Z') });
      const [from, to] = [(await findRoundBySlug(db, november))!, (await findRoundBySlug(db, july))!];
      const staffId = (await aStaffMember(db, ['finance'])).id;
      const outcomes = await Promise.all([1, 2].map(() => recordTransfer(db, from, { to, amount: 6_000, currency: 'CNY', note: 'Both at once' }, staffId, testNow, 'en')));
      expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
      expect(await roundBalance(db, novemberId, 'CNY')).toBe(4_000);
    });
  });

  describe('the statement', () => {
    it('adds up per currency on the page, in the plain functions and in the CSV, to the minor unit', async () => {
      const { db } = t.database;
      expect(await roundIncome(db, mayId)).toEqual([
        { amount: 125_000, currency: 'CNY' },
        { amount: 80_000, currency: 'HKD' },
        { amount: 10_000, currency: 'USD' },
      ]);
      const kept = await roundStatement(db, mayId);
      expect(kept.funds).toEqual([
        { currency: 'CNY', income: 125_000, spent: 65_000, transfersIn: 0, transfersOut: 50_000, balance: 10_000 },
        { currency: 'HKD', income: 80_000, spent: 12_000, transfersIn: 0, transfersOut: 0, balance: 68_000 },
        { currency: 'USD', income: 10_000, spent: 0, transfersIn: 0, transfersOut: 0, balance: 10_000 },
      ]);
      for (const line of kept.funds) expect(line.balance).toBe(line.income - line.spent + line.transfersIn - line.transfersOut);
      expect(kept.spendingByCategory).toEqual([
        { category: 'surgeries', amounts: [{ amount: 65_000, currency: 'CNY' }] },
        { category: 'travel', amounts: [{ amount: 12_000, currency: 'HKD' }] },
      ]);

      const page = (await finance.agent.get(statement).expect(200)).text;
      expect(fundCard(page, 'CNY')).toEqual({ income: 'CN¥1,250.00', spent: '− CN¥650.00', in: '+ CN¥0.00', out: '− CN¥500.00', balance: 'CN¥100.00' });
      expect(fundCard(page, 'HKD')).toEqual({ income: 'HK$800.00', spent: '− HK$120.00', in: '+ HK$0.00', out: '− HK$0.00', balance: 'HK$680.00' });
      expect(fundCard(page, 'USD').balance).toBe('US$100.00');
      expect(page).toContain('<dd data-children>153</dd>');
      // The list of rounds shows each balance apart, never a sum across currencies.
      const list = decodeEntities((await finance.agent.get('/staff/finance/rounds').expect(200)).text);
      const mayRow = new RegExp(`<tr data-round="${may}">([\\s\\S]*?)</tr>`).exec(list)![1]!;
      expect(mayRow.replace(/<[^>]+>/g, '')).toContain('CN¥100.00 · HK$680.00 · US$100.00');

      const csv = await downloadText(finance, `${statement}/statement.csv`);
      expect(csv.startsWith('\uFEFF')).toBe(true);
      const [header, ...lines] = csvRows(csv);
      expect(header).toEqual(['round', 'line', 'entry_id', 'recorded_at (Asia/Hong_Kong)', 'day', 'category', 'other_round', 'note', 'currency', 'amount', 'reverses_entry_id', 'recorded_by']);
      const column = (name: string) => header!.indexOf(name);
      const sums = new Map<string, number>();
      const balances = new Map<string, number>();
      for (const line of lines) {
        const [kind, currency, amount] = [line[column('line')]!, line[column('currency')]!, line[column('amount')]!];
        if (kind === 'balance') balances.set(currency, minorUnits(amount, currency));
        else sums.set(currency, (sums.get(currency) ?? 0) + minorUnits(amount, currency));
      }
      expect(Object.fromEntries(balances)).toEqual({ CNY: 10_000, HKD: 68_000, USD: 10_000 });
      expect(Object.fromEntries(sums)).toEqual(Object.fromEntries(balances));
      // The wrong line goes out, and its reversal comes back in; the transfer out and its reversal likewise.
      const amountsOf = (kind: string) => lines.filter((line) => line[column('line')] === kind).map((line) => `${line[column('amount')]} ${line[column('currency')]}`);
      expect(amountsOf('spending')).toEqual(['-600.50 CNY', '-120.00 HKD', '600.50 CNY', '-650.00 CNY']);
      expect(amountsOf('transfer_out')).toEqual(['-500.00 CNY', '500.00 CNY', '-500.00 CNY']);
      // Recorded at the app's "now" (from 10:00 in Hong Kong on 10 June 2026, running on), written in the zone
      // the header names: 10 o'clock there, where UTC would say 02.
      expect(lines.find((line) => line[column('line')] === 'spending')![column('recorded_at (Asia/Hong_Kong)')]).toMatch(/^2026-06-10 10:\d{2}:\d{2}$/);

      // The July round's file names where its money came from.
      const julyCsv = csvRows(await downloadText(finance, `/staff/finance/rounds/${july}/statement.csv`));
      expect(julyCsv.filter((line) => line[1] === 'transfer_in').map((line) => [line[6], line[9]])).toEqual([
        [may, '500.00'],
        [may, '-500.00'],
        [may, '500.00'],
        [november, '60.00'],
      ]);
    });

    it('audits every change as a sentence that links to the round', async () => {
      const log = decodeEntities((await admin.agent.get('/staff/audit').expect(200)).text);
      expect(log).toContain(`Fiona Finance recorded spending of CN¥600.50 (Surgeries) for ${may}.`);
      expect(log).toContain(`Fiona Finance reversed spending line #`);
      expect(log).toContain(`(CN¥600.50): “Typed 600.50 for 650.00”.`);
      expect(log).toContain(`Fiona Finance transferred CN¥500.00 from ${may} to ${july}.`);
      expect(log).toContain(`Carl Manager recorded 7 × Alveolar bone graft for ${may}.`);
      expect(log).toContain(`Carl Manager reversed outcome line #`);
      expect(log).toContain(`(55 × Cleft palate repair): “One more child was operated”.`);
      expect(log).toContain(`href="/staff/finance/rounds/${may}"`);
      expect(log).toContain(`href="/staff/campaigns/${may}/outcomes"`);
    });
  });

  describe('in every language the site speaks', () => {
    const locales: Locale[] = ['en', 'zh-CN', 'zh-HK'];
    const pages = () => [
      { agent: finance, path: '/staff/finance' },
      { agent: finance, path: '/staff/finance/rounds' },
      { agent: finance, path: statement },
      { agent: finance, path: `/staff/finance/rounds/${july}` },
      { agent: manager, path: `/staff/campaigns/${may}/outcomes` },
      { agent: manager, path: `/staff/campaigns/${may}` },
      { agent: admin, path: '/staff/audit' },
    ];

    for (const locale of locales) {
      it(`shows the round pages, and a refused form beside its fields, in ${locale}`, async () => {
        const said = messages[locale];
        for (const { agent, path } of pages()) {
          const html = (await agent.agent.get(`${path}?lang=${locale}`).expect(200)).text;
          expect({ path, lang: /<html lang="([^"]+)">/.exec(html)?.[1] }).toEqual({ path, lang: locale });
          expect({ path, foreign: foreignSentences(html, locale) }).toEqual({ path, foreign: [] });
        }
        const statementPage = decodeEntities((await finance.agent.get(`${statement}?lang=${locale}`).expect(200)).text);
        for (const key of ['rounds.statement.funds', 'rounds.spending.heading', 'rounds.transfers.heading', 'rounds.statement.outcomes', 'rounds.category.surgeries'] as const) expect(statementPage).toContain(said[key]);
        const refused = await finance.agent
          .post(`${statement}/spending?lang=${locale}`)
          .field('_csrf', finance.csrf)
          .field('category', '')
          .field('amount', '12.345')
          .field('currency', 'HKD')
          .field('spent_on', '2026-05-21')
          .field('note', 'x')
          .expect(422);
        expect(fieldError(refused.text, 'spending-category')).toBe(said['rounds.spending.error.category']);
        expect(fieldError(refused.text, 'spending-amount')).toBe(said['finance.amount.offline.fraction'].replace('{currency}', 'HKD'));
        expect(foreignSentences(refused.text, locale)).toEqual([]);
      });
    }

    it('writes Traditional Chinese as Hong Kong does', async () => {
      const page = decodeEntities((await finance.agent.get(`${statement}?lang=zh-HK`).expect(200)).text);
      expect(page).toContain('帳目：');
      expect(page).toContain('期數之間的資金轉撥');
      const log = decodeEntities((await admin.agent.get('/staff/audit?lang=zh-HK').expect(200)).text);
      expect(log).toContain('「Typed 600.50 for 650.00」');
      expect(log).toContain('Fiona Finance為');
    });
  });
});

describe('the demo’s closed rounds', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
  });
  afterAll(() => t.close());

  it('spent and achieved what their reports say, carried the last one’s yuan to the open round, and are not doubled by seeding again', async () => {
    const { db } = t.database;
    await seedDemoData(db, testNow);
    const count = async () =>
      Promise.all((['round_spending', 'round_outcomes', 'fund_transfers'] as const).map(async (table) => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)));
    const once = await count();
    await seedDemoData(db, testNow);
    expect(await count()).toEqual(once);
    expect(once).toEqual([12, 8, 1]);

    const [mayId, novemberId, julyId] = await Promise.all([may, november, july].map((slug) => campaignId(db, slug)));
    expect((await roundOutcomes(db, mayId!)).childrenOperated).toBe(152);
    expect((await roundOutcomes(db, novemberId!)).childrenOperated).toBe(131);
    // May's yuan went on to July; what it holds in other currencies stays with it until finance moves it.
    const mayFunds = (await roundStatement(db, mayId!)).funds;
    expect(mayFunds.find((line) => line.currency === 'CNY')).toMatchObject({ income: 12_600_000, spent: 10_840_000, transfersOut: 1_760_000, balance: 0 });
    for (const line of [...mayFunds, ...(await roundStatement(db, novemberId!)).funds]) expect(line.balance).toBe(line.income - line.spent + line.transfersIn - line.transfersOut);
    expect(await roundBalance(db, julyId!, 'CNY')).toBe(1_760_000);
  });
});
