// The gifts export streams: 200,000 gifts go out from the web process, run as `npm run web` runs it,
// while that process's peak memory stays within a bound far smaller than the file. The bound is not
// smaller still because the rows pass through Buffers, which V8 frees only when it collects garbage, and
// a stream that allocates little else leaves a few tens of MB of them dead between collections; the
// bench (bench/finance.ts) shows the same growth at a million gifts, 221 MB.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { sql } from 'kysely';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { processEnvironment, startTestContext, type TestContext } from '../support/context';
import { campaignId } from '../support/ledger-rows';
import { exitOf, memoryOf, spawnScript, waitForOutput } from '../support/processes';
import { aStaffMember, signInCookies } from '../support/staff';

const gifts = 200_000;
const mb = 1024 * 1024;
const memoryBound = 64 * mb;

describe('the gifts export', () => {
  let t: TestContext;
  let web: ReturnType<typeof spawnScript>;
  let url: string;

  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    const { config } = t.ctx;
    web = spawnScript('server/main.ts', processEnvironment(config));
    const [, port] = await waitForOutput(web, /"port":(\d+)[^\n]*"msg":"web: ready"/);
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (web.exitCode === null) {
      web.kill('SIGTERM');
      await exitOf(web);
    }
    await t.close();
  });

  it(`streams ${gifts.toLocaleString('en')} gifts as a CSV of over 120 MB while the web process grows by less than ${memoryBound / mb} MB`, async () => {
    const db = t.database.db;
    const speech = await campaignId(db, 'speech-therapy-fund');
    // A message of ~480 bytes on every line: 200,000 lines make a file of about 132 MB. The rows go in
    // without firing triggers (the kept campaign totals, which an export does not read), in half the time.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`
        insert into donations (campaign_id, frequency, amount, currency, status, origin, donor_name, message, payment_method, stripe_payment_intent_id, stripe_charge_id, succeeded_at)
        select ${speech}, 'once', 10000 + (i % 500) * 100, 'HKD', 'succeeded', 'checkout',
               case when i = 50000 then '陈美玲' else 'Donor ' || i end, repeat('Thank you for the surgery. ', 18), 'card',
               'pi_bulk' || i, 'ch_bulk' || i, timestamptz '2026-01-01 00:00Z' + i * interval '1 minute'
        from generate_series(1, ${gifts}) as i`.execute(trx);
      await sql`
        insert into ledger_entries (donation_id, campaign_id, kind, amount, currency, settlement_amount, settlement_currency, fee, net, stripe_balance_transaction_id, stripe_object_id, occurred_at)
        select id, campaign_id, 'gift', amount, currency, amount, currency, 300, amount - 300, 'txn_' || stripe_charge_id, stripe_charge_id, succeeded_at
        from donations where stripe_charge_id like 'ch_bulk%'`.execute(trx);
    });

    const member = await aStaffMember(db, ['finance']);
    const cookie = await signInCookies(url, member.email);

    // The node process tsx started; its peak-memory mark is reset so that it measures the export alone.
    const server = web.pid!;
    await fetch(`${url}/healthz`);
    writeFileSync(`/proc/${server}/clear_refs`, '5');
    const before = memoryOf(server, 'VmRSS');
    const result = await new Promise<{ status: number; bytes: number; lines: number; head: Buffer; chinese: string | undefined }>((resolve, reject) => {
      http
        .get(`${url}/staff/finance/exports/gifts.csv?campaign=speech-therapy-fund`, { headers: { Cookie: cookie } }, (res) => {
          let bytes = 0;
          let lines = 0;
          let head = Buffer.alloc(0);
          let tail = '';
          let chinese: string | undefined;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (head.length < 3) head = Buffer.concat([head, chunk.subarray(0, 3)]);
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
            // Only the lines around the Chinese name are kept; each chunk is otherwise dropped at once.
            const text = tail + chunk.toString('utf8');
            const at = text.indexOf('陈美玲');
            if (at !== -1 && chinese === undefined) chinese = text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at));
            tail = text.slice(-64);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines, head, chinese }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    const peak = memoryOf(server, 'VmHWM');

    expect(result.status).toBe(200);
    expect([...result.head]).toEqual([0xef, 0xbb, 0xbf]);
    expect(result.lines).toBe(gifts + 1);
    expect(result.chinese).toMatch(/,陈美玲,person,,HKD,\d+\.00,0\.00,0\.00,\d+\.00,HKD,\d+\.00,3\.00,\d+\.00,,Thank you for the surgery\./);
    expect(result.bytes).toBeGreaterThan(120 * mb);
    expect(peak - before).toBeLessThan(memoryBound);
  });
});
