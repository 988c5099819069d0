// The gifts and donors exports are written by PostgreSQL's COPY: every field must come out as the
// JavaScript formatting wrote it (csvRow), for the values that trip CSV up, and a download cut short must
// give its database connection back.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { copyCsvStatement, csvAmount, csvAmountIn, csvInstant, csvRow, csvText, csvTime, currencyUnit, CsvLineEnds } from '../../server/finance/csv';
import { startTestContext, type TestContext } from '../support/context';
import { aDonorRow, aLedgerEntry, aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, downloadText, signInAs, signInCookies, type StaffAgent } from '../support/staff';
import { waitUntil } from '../support/wait';

const bom = '\uFEFF';
const header = 'gift_id,date (Asia/Hong_Kong),status,origin,payment_method,frequency,campaign,donor_name,donor_type,donor_email,currency,amount,refunded,disputed,kept,settlement_currency,settled,fee,net,reference,message,receipt_number,payment_intent,charge,invoice,intended_campaign,contact_name,business_registration';

/** What COPY writes for a query, with the BOM and line ends the download has. */
async function copied(url: string, query: Parameters<typeof copyCsvStatement>[0]): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const chunks: Buffer[] = [];
  try {
    await pipeline(
      client.query(copyTo(copyCsvStatement(query))),
      new CsvLineEnds(),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }),
    );
  } finally {
    await client.end();
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe('CSV exports written by COPY', () => {
  let t: TestContext;
  let finance: StaffAgent;

  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
  });
  afterAll(() => t.close());

  it('writes commas, quotes, line breaks, formula-like text, Chinese, zero- and three-decimal currencies and refunds as finance reads them', async () => {
    const db = t.database.db;
    const speech = await campaignId(db, 'speech-therapy-fund');
    const chan = await aDonorRow(db, 'chan,tai.man@example.com', 'Chan Tai Man');
    const at = (day: number) => new Date(`2031-03-${String(day).padStart(2, '0')}T04:00:00.123Z`);
    const quoted = await aPaidGift(db, { campaignId: speech, donorId: chan, amount: 50_000, currency: 'HKD', fee: 1_700, name: 'Chan, Tai Man "Big"', occurredAt: at(1) });
    await db.updateTable('donations').set({ message: 'For the surgery,\nand the bus fare home.' }).where('id', '=', quoted.id).execute();
    const formula = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 1_000, currency: 'HKD', name: '=HYPERLINK("http://x.example","click")', occurredAt: at(2) });
    await db.updateTable('donations').set({ message: '+852 1234 5678', payment_method: '@card' }).where('id', '=', formula.id).execute();
    const chinese = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 75_000, currency: 'CNY', settlement: { amount: 81_000, currency: 'HKD', rate: '1.08' }, fee: 2_700, name: '陈美玲', occurredAt: at(3) });
    await db.updateTable('donations').set({ message: '-42' }).where('id', '=', chinese.id).execute();
    const yen = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 5_000, currency: 'JPY', settlement: { amount: 26_500, currency: 'HKD', rate: '0.053' }, fee: 900, name: '\tTabbed', occurredAt: at(4) });
    await aLedgerEntry(db, yen, { kind: 'refund', amount: -2_000, settlement: { amount: -10_600, currency: 'HKD' } });
    const dinar = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 1_250, currency: 'KWD', fee: 5, name: '', occurredAt: at(5) });
    await aLedgerEntry(db, dinar, { kind: 'dispute', amount: -1_250 });
    await aLedgerEntry(db, dinar, { kind: 'dispute_won', amount: 1_250 });
    await aLedgerEntry(db, dinar, { kind: 'refund', amount: -250 });
    const won = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 30_000, currency: 'KRW', name: '-12.50', occurredAt: at(6) });
    await db.updateTable('donations').set({ message: '\rCarriage', stripe_invoice_id: '=1+1' }).where('id', '=', won.id).execute();
    const pending = (await db
      .insertInto('donations')
      .values({ campaign_id: speech, frequency: 'month', amount: 20_000, currency: 'HKD', status: 'pending', origin: 'checkout', donor_name: 'Waiting', message: '', succeeded_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()).id;
    await sql`update donations set created_at = ${at(7)}::timestamptz + interval '456 microseconds' where id = ${pending}`.execute(db);

    const stripe = async (id: string) => {
      const row = await db.selectFrom('donations').select(['stripe_payment_intent_id', 'stripe_charge_id']).where('id', '=', id).executeTakeFirstOrThrow();
      return `${row.stripe_payment_intent_id},${row.stripe_charge_id}`;
    };
    const text = await downloadText(finance, '/staff/finance/exports/gifts.csv?from=2031-03-01&to=2031-03-31');
    expect(text).toBe(
      bom +
        [
          header,
          `${quoted.id},2031-03-01 12:00:00,succeeded,checkout,card,once,speech-therapy-fund,"Chan, Tai Man ""Big""",person,"chan,tai.man@example.com",HKD,500.00,0.00,0.00,500.00,HKD,500.00,17.00,483.00,,"For the surgery,\nand the bus fare home.",,${await stripe(quoted.id)},,,,`,
          `${formula.id},2031-03-02 12:00:00,succeeded,checkout,'@card,once,speech-therapy-fund,"'=HYPERLINK(""http://x.example"",""click"")",person,,HKD,10.00,0.00,0.00,10.00,HKD,10.00,0.00,10.00,,'+852 1234 5678,,${await stripe(formula.id)},,,,`,
          `${chinese.id},2031-03-03 12:00:00,succeeded,checkout,card,once,speech-therapy-fund,陈美玲,person,,CNY,750.00,0.00,0.00,750.00,HKD,810.00,27.00,783.00,,-42,,${await stripe(chinese.id)},,,,`,
          `${yen.id},2031-03-04 12:00:00,succeeded,checkout,card,once,speech-therapy-fund,'\tTabbed,person,,JPY,5000,2000,0,3000,HKD,159.00,9.00,150.00,,,,${await stripe(yen.id)},,,,`,
          `${dinar.id},2031-03-05 12:00:00,succeeded,checkout,card,once,speech-therapy-fund,,person,,KWD,1.250,0.250,0.000,1.000,KWD,1.000,0.005,0.995,,,,${await stripe(dinar.id)},,,,`,
          `${won.id},2031-03-06 12:00:00,succeeded,checkout,card,once,speech-therapy-fund,-12.50,person,,KRW,30000,0,0,30000,KRW,30000,0,30000,,"'\rCarriage",,${await stripe(won.id)},'=1+1,,,`,
        ].join('\r\n') +
        '\r\n',
    );
    // An unfinished checkout is no gift: it is exported only when asked for.
    const unfinished = await downloadText(finance, '/staff/finance/exports/gifts.csv?from=2031-03-01&to=2031-03-31&status=unfinished');
    expect(unfinished).toBe(`${bom}${header}\r\n${pending},2031-03-07 12:00:00,pending,checkout,,month,speech-therapy-fund,Waiting,person,,HKD,200.00,0.00,0.00,0.00,,,,,,,,,,,,,\r\n`);
  });

  it('writes the donors export from COPY too, with the header, BOM and CRLF', async () => {
    const db = t.database.db;
    const donor = await aDonorRow(db, 'lee+csv@example.com', '=Lee "Siu" Ming');
    await db.updateTable('donors').set({ locale: 'zh', created_at: new Date('2031-01-02T03:04:05.678Z') }).where('id', '=', donor).execute();
    await db.insertInto('donor_consents').values({ donor_id: donor, purpose: 'updates', granted: false, wording: null, locale: 'en', source: 'one_click', chosen_at: testNow }).execute();
    const speech = await campaignId(db, 'speech-therapy-fund');
    await aPaidGift(db, { campaignId: speech, donorId: donor, amount: 7_000, currency: 'JPY', occurredAt: new Date('2031-02-01T00:00:00Z') });
    await aPaidGift(db, { campaignId: speech, donorId: donor, amount: 12_345, currency: 'HKD', occurredAt: new Date('2031-02-02T00:00:00Z') });
    const text = await downloadText(finance, '/staff/finance/exports/donors.csv');
    expect(text.startsWith(`${bom}donor_id,email,name,donor_type,locale,since (Asia/Hong_Kong),news_by_email,currency,gifts,kept,first_gift (Asia/Hong_Kong),last_gift (Asia/Hong_Kong)\r\n`)).toBe(true);
    const lines = text.split('\r\n').filter((line) => line.startsWith(`${donor},`));
    expect(lines).toEqual([
      `${donor},lee+csv@example.com,"'=Lee ""Siu"" Ming",person,zh,2031-01-02 11:04:05,no (stopped 2026-06-10 by their mail program's unsubscribe button),HKD,1,123.45,2031-02-02 08:00:00,2031-02-02 08:00:00`,
      `${donor},lee+csv@example.com,"'=Lee ""Siu"" Ming",person,zh,2031-01-02 11:04:05,no (stopped 2026-06-10 by their mail program's unsubscribe button),JPY,1,7000,2031-02-01 08:00:00,2031-02-01 08:00:00`,
    ]);
  });

  it('formats any text, amount and instant in SQL exactly as csvRow formats it in JavaScript', async () => {
    const piece = fc.oneof(
      fc.constantFrom(',', '"', '""', '\n', '\r', '\r\n', '=', '+', '-', '@', '\t', "'", '陈美玲', '😀', '\\', '$1', '-12.5', '-7', '.', ' ', '0', 'é'),
      fc.string({ maxLength: 3 }),
    );
    const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('').replace(/\u0000/g, ''));
    const currency = fc.constantFrom('HKD', 'CNY', 'USD', 'EUR', 'JPY', 'KRW', 'CLP', 'VND', 'KWD', 'BHD', 'TND');
    const sample = fc.record({
      text,
      amount: fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.integer({ min: -(10 ** 15), max: 10 ** 15 })),
      currency,
      instant: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }),
      // Microseconds past the millisecond, which Date has no room for and the export drops.
      micros: fc.integer({ min: 0, max: 999 }),
    });
    const samples = fc.sample(sample, { seed: 20_261_125, numRuns: 400 });
    const rows = samples.map((s, i) => sql`(${i}::int, ${s.text}::text, ${s.amount}::bigint, ${s.currency}::text, ${s.instant.toISOString()}::timestamptz + ${s.micros} * interval '1 microsecond')`);
    const query = sql`
      select ${csvText(sql.ref('v.text'))} as text, ${csvAmountIn(sql.ref('v.amount'), currencyUnit(sql.ref('v.currency')))} as amount, ${csvInstant(sql.ref('v.at'), 'Asia/Hong_Kong')} as instant
      from (values ${sql.join(rows)}) as v(i, text, amount, currency, at)
      order by v.i`.compile(t.database.db);
    const expected = bom + csvRow(['text', 'amount', 'instant']) + samples.map((s) => csvRow([s.text, csvAmount(s.amount, s.currency), csvTime(s.instant, 'Asia/Hong_Kong')])).join('');
    expect(await copied(t.database.url, query)).toBe(expected);
  });

  describe('a download cut short', () => {
    let server: http.Server;
    let url: string;
    let cookie: string;

    beforeAll(async () => {
      const db = t.database.db;
      const speech = await campaignId(db, 'speech-therapy-fund');
      // Some 30 MB: far more than the sockets between PostgreSQL, the app and the client hold.
      await sql`
        insert into donations (campaign_id, frequency, amount, currency, status, origin, donor_name, message, payment_method, stripe_payment_intent_id, stripe_charge_id, succeeded_at)
        select ${speech}, 'once', 10000, 'HKD', 'succeeded', 'checkout', 'Donor ' || i, repeat('Thank you for the surgery. ', 14), 'card', 'pi_cut' || i, 'ch_cut' || i, timestamptz '2030-01-01 00:00Z' + i * interval '1 minute'
        from generate_series(1, 60000) as i`.execute(db);
      server = http.createServer(t.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      cookie = await signInCookies(url, (await aStaffMember(db, ['finance'])).email);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** The export's COPY sessions in PostgreSQL, with what each waits on. */
    const copies = async () =>
      (
        await sql<{ wait_event: string | null }>`
          select wait_event from pg_stat_activity
          where datname = current_database() and application_name = 'smilefund export' and state = 'active' and query ilike 'copy%'`.execute(t.database.db)
      ).rows;

    it('holds the COPY while the client does not read, and ends it and frees the connection when the client leaves', async () => {
      // More downloads cut short than the exports have connections: each must have given its own back.
      for (let attempt = 0; attempt < 3; attempt++) {
        const request = http.get(`${url}/staff/finance/exports/gifts.csv`, { headers: { Cookie: cookie } });
        const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
        expect(response.statusCode).toBe(200);
        await new Promise((resolve) => response.once('data', resolve));
        response.pause();
        // Back-pressure: PostgreSQL waits to write to the app, which waits on the client, rather than
        // the app reading the whole export into memory.
        await waitUntil('the COPY to wait on the client', async () => (await copies()).some((copy) => copy.wait_event === 'ClientWrite'));
        request.destroy();
        await waitUntil('the COPY to end', async () => (await copies()).length === 0);
      }
      const text = await downloadText(finance, '/staff/finance/exports/gifts.csv?from=2030-01-01&to=2030-12-31');
      expect(text.split('\r\n').length).toBe(60_000 + 2);
    });
  });
});
