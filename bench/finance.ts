// Finance at scale: a million gifts (each a donation and its gift ledger row, loaded with INSERT ...
// SELECT generate_series), then the reads finance waits on: campaign totals, a filtered page of the gifts
// ledger with its totals per currency, and the reconciliation page and day; then the CSV export of all of
// them, streamed through HTTP from the web process run as `npm run web` runs it, with its peak memory.
// The baseline for the export is the same rows read straight from PostgreSQL through a cursor in this
// process, without Express or CSV.
// Run: npx tsx bench/finance.ts [gifts]   (needs the test services: PostgreSQL and Redis on loopback)
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { seedDemoData } from '../db/seed';
import { listLiveCampaigns } from '../server/campaigns/queries';
import { campaignTotals } from '../server/campaigns/totals';
import { listGifts, totalsByCurrency, type GiftFilters } from '../server/finance/gifts';
import { dayBounds, ledgerRows } from '../server/finance/reconciliation';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { processEnvironment, startTestContext } from '../test/support/context';
import { exitOf, memoryOf, spawnScript, waitForOutput } from '../test/support/processes';
import { aStaffMember, signInCookies } from '../test/support/staff';

const gifts = Number(process.argv[2] ?? 1_000_000);
const mb = 1024 * 1024;

/** The median of `runs` timings of `work`, in ms, after one untimed run. */
async function median(work: () => Promise<unknown>, runs = 7): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

async function main(): Promise<void> {
  await globalSetup();
  const t = await startTestContext();
  const db = t.database.db;
  const timeZone = t.ctx.config.organisation.timeZone;
  let web: ReturnType<typeof spawnScript> | undefined;
  try {
    await seedDemoData(db, new Date('2026-11-25T00:00:00Z'));
    const campaigns = await listLiveCampaigns(db);
    const ids = campaigns.map((c) => c.id);

    // One gift a minute from 2025-01-01: a million reach late November 2026. Three currencies (CNY and USD
    // settled in HKD), three methods, a donor record on two gifts in three, one gift in fifty refunded.
    const loadStarted = performance.now();
    await sql`insert into donors (email, name) select 'donor' || i || '@example.com', 'Donor ' || i from generate_series(1, 20000) as i`.execute(db);
    const firstDonor = (await db.selectFrom('donors').select((eb) => eb.fn.min('id').as('id')).executeTakeFirstOrThrow()).id as number;
    await sql`
      insert into donations (campaign_id, donor_id, frequency, amount, currency, status, origin, donor_name, message, payment_method, stripe_payment_intent_id, stripe_charge_id, succeeded_at, created_at)
      select (${sql.val(ids)}::int[])[1 + i % ${ids.length}],
             case when i % 3 = 0 then null else ${firstDonor} + i % 20000 end,
             'once', 1000 + (i % 500) * 100, (array['HKD', 'CNY', 'USD'])[1 + i % 3],
             case when i % 50 = 0 then 'refunded' else 'succeeded' end, 'checkout', 'Donor ' || (i % 20000),
             case when i % 10 = 0 then 'Thank you for the surgery.' end, (array['card', 'alipay', 'wechat_pay'])[1 + i % 3],
             'pi_bench' || i, 'ch_bench' || i, at, at
      from generate_series(1, ${gifts}) as i, lateral (select timestamptz '2025-01-01 00:00Z' + i * interval '1 minute' as at) as t`.execute(db);
    await sql`
      insert into ledger_entries (donation_id, campaign_id, kind, amount, currency, settlement_amount, settlement_currency, fee, net, exchange_rate, stripe_balance_transaction_id, stripe_object_id, occurred_at)
      select id, campaign_id, 'gift', amount, currency, s.settled, 'HKD', 300, s.settled - 300, s.rate, 'txn_' || stripe_charge_id, stripe_charge_id, succeeded_at
      from donations,
           lateral (select case currency when 'HKD' then amount when 'CNY' then amount * 108 / 100 else amount * 78 / 10 end as settled,
                           case currency when 'HKD' then null when 'CNY' then 1.08 else 7.8 end as rate) as s
      where stripe_charge_id like 'ch_bench%'`.execute(db);
    await sql`
      insert into ledger_entries (donation_id, campaign_id, kind, amount, currency, settlement_amount, settlement_currency, fee, net, exchange_rate, stripe_balance_transaction_id, stripe_object_id, occurred_at)
      select l.donation_id, l.campaign_id, 'refund', -l.amount, l.currency, -l.settlement_amount, 'HKD', 0, -l.settlement_amount, l.exchange_rate, 'txn_re' || l.stripe_object_id, 're' || l.stripe_object_id, l.occurred_at + interval '2 days'
      from ledger_entries l join donations d on d.id = l.donation_id where d.status = 'refunded'`.execute(db);
    // Discrepancies as months of nightly runs leave them: most resolved, a few open.
    await sql`
      insert into reconciliation_discrepancies (day, kind, stripe_balance_transaction_id, currency, stripe_amount, stripe_fee, stripe_net, found_at, resolved_at, note)
      select date '2025-01-01' + i / 5, 'missing_in_ledger', 'txn_missing' || i, 'HKD', 1000, 30, 970, now(), case when i > 40 then now() end, case when i > 40 then 'Recovered.' end
      from generate_series(1, 3000) as i`.execute(db);
    await sql`vacuum analyze`.execute(db);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const ledgerCount = (await sql<{ n: string }>`select count(*) as n from ledger_entries`.execute(db)).rows[0]!.n;
    console.log(`loaded ${gifts.toLocaleString('en')} gifts (${Number(ledgerCount).toLocaleString('en')} ledger rows) in ${loadSeconds.toFixed(1)} s`);

    const general = campaigns.find((c) => c.slug === 'general')!;
    const october: GiftFilters = { campaign: 'general', from: '2026-10-01', to: '2026-10-31' };
    const { start, end } = dayBounds('2026-10-15', timeZone);
    const reconciliationPage = () =>
      Promise.all([
        db.selectFrom('reconciliation_discrepancies as d').leftJoin('staff_members as s', 's.id', 'd.resolved_by').selectAll('d').select('s.name').where('d.resolved_at', 'is', null).orderBy('d.day', 'desc').orderBy('d.id').execute(),
        db.selectFrom('reconciliation_discrepancies as d').leftJoin('staff_members as s', 's.id', 'd.resolved_by').selectAll('d').select('s.name').where('d.resolved_at', 'is not', null).orderBy('d.resolved_at', 'desc').orderBy('d.id', 'desc').limit(200).execute(),
      ]);
    const queries: Array<[string, () => Promise<unknown>]> = [
      ['campaign totals, one campaign (page, API)', () => campaignTotals(db, [general])],
      [`campaign totals, all ${campaigns.length} live campaigns (home page)`, () => campaignTotals(db, campaigns)],
      ['gifts ledger: a campaign in a month, page 1 + count', () => listGifts(db, october, timeZone, 1)],
      ['gifts ledger: that filter\'s totals per currency', () => totalsByCurrency(db, october, timeZone)],
      ['gifts ledger: no filter, page 1 + count', () => listGifts(db, {}, timeZone, 1)],
      ['gifts ledger: donor "donor1234@", page 1 + count', () => listGifts(db, { donor: 'donor1234@' }, timeZone, 1)],
      ['reconciliation page: open and resolved', reconciliationPage],
      ['reconciliation: ledger rows of one day', () => ledgerRows(db, { between: [start, end] })],
    ];
    const timings: Array<{ name: string; ms: number }> = [];
    for (const [name, work] of queries) {
      const ms = await median(work);
      timings.push({ name, ms: Number(ms.toFixed(1)) });
      console.log(`${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms${ms < 100 ? '' : '  (over 100 ms)'}`);
    }

    // The export, from the web process as `npm run web` runs it.
    const { config } = t.ctx;
    web = spawnScript('server/main.ts', { ...processEnvironment(config), NODE_ENV: 'production', BASE_URL: 'http://localhost', LOG_LEVEL: 'info' });
    const [, port] = await waitForOutput(web, /"port":(\d+)/);
    const url = `http://127.0.0.1:${port}`;
    const member = await aStaffMember(db, ['finance']);
    // A production session cookie is Secure only when BASE_URL is https; plain HTTP on loopback is fine here.
    const cookie = await signInCookies(url, member.email);
    const server = web.pid!;
    await fetch(`${url}/healthz`);
    writeFileSync(`/proc/${server}/clear_refs`, '5');
    const rssBefore = memoryOf(server, 'VmRSS');
    const exportStarted = performance.now();
    const exported = await new Promise<{ status: number; bytes: number; lines: number; firstByteMs: number }>((resolve, reject) => {
      http
        .get(`${url}/staff/finance/exports/gifts.csv`, { headers: { Cookie: cookie } }, (res) => {
          let bytes = 0;
          let lines = 0;
          let firstByteMs = 0;
          res.on('data', (chunk: Buffer) => {
            if (bytes === 0) firstByteMs = performance.now() - exportStarted;
            bytes += chunk.length;
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines, firstByteMs }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const peak = memoryOf(server, 'VmHWM');
    if (exported.status !== 200 || exported.lines !== gifts + 1) throw new Error(`export answered ${exported.status} with ${exported.lines} lines`);
    const exportRate = gifts / exportSeconds;

    // Baseline: the donations alone through a cursor, 1,000 at a time, no joins, no CSV, no HTTP.
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    const baselineStarted = performance.now();
    const cursor = client.query(new Cursor('select * from donations order by coalesce(succeeded_at, created_at), id'));
    let read = 0;
    for (let rows = await cursor.read(1000); rows.length > 0; rows = await cursor.read(1000)) read += rows.length;
    await cursor.close();
    await client.end();
    const baselineRate = read / ((performance.now() - baselineStarted) / 1000);

    console.log(
      `CSV export: ${gifts.toLocaleString('en')} rows, ${(exported.bytes / mb).toFixed(0)} MB in ${exportSeconds.toFixed(1)} s = ${Math.round(exportRate).toLocaleString('en')} rows/s ` +
        `(first byte after ${(exported.firstByteMs / 1000).toFixed(1)} s); web process RSS ${(rssBefore / mb).toFixed(0)} MB before, peak ${(peak / mb).toFixed(0)} MB`,
    );
    console.log(`baseline, donations through a bare cursor: ${Math.round(baselineRate).toLocaleString('en')} rows/s; ratio ${(exportRate / baselineRate).toFixed(3)}`);
    console.log(
      `BENCH ${JSON.stringify({
        bench: 'finance',
        gifts,
        loadSeconds: Number(loadSeconds.toFixed(1)),
        timings,
        export: { rowsPerSecond: Math.round(exportRate), seconds: Number(exportSeconds.toFixed(1)), peakRssMb: Math.round(peak / mb), baselineRowsPerSecond: Math.round(baselineRate), ratio: Number((exportRate / baselineRate).toFixed(3)) },
      })}`,
    );
  } finally {
    if (web && web.exitCode === null) {
      web.kill('SIGTERM');
      await exitOf(web);
    }
    await t.close();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
