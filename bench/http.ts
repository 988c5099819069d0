// The campaign page and its JSON, under load: requests per second and p99 latency at 50 connections
// (autocannon, firing from a worker thread), against a bare Express handler returning a fixed string in
// the same process and run. The app is startWeb on a fresh database with the demo campaigns and 1,000
// paid gifts (HKD, CNY settled in HKD, USD settled in HKD) on the campaign measured.
// Run: npx tsx bench/http.ts [seconds per target]   (needs the test services: PostgreSQL and Redis on loopback)
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import autocannon from 'autocannon';
import express from 'express';
import { seedDemoData } from '../dev/seed';
import { createLogger } from '../server/logger';
import { startWeb } from '../server/main';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { testConfig } from '../test/support/context';
import { createTestDatabase } from '../test/support/database';
import { aDonorRow, aPaidGift, campaignId } from '../test/support/ledger-rows';

const seconds = Number(process.argv[2] ?? 8);
const connections = 50;
const gifts = 1_000;
const slug = 'speech-therapy-fund';

export interface LoadFigures {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, duration: number): Promise<LoadFigures> {
  const result = await autocannon({ url, connections, duration, workers: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  await globalSetup();
  const database = await createTestDatabase();
  // Production mode, as deployed: the compiled views are cached. Request logging is at "warn", so the
  // figure is the app's and not the terminal's.
  const config = testConfig({ env: 'production', baseUrl: 'http://localhost', databaseUrl: database.url, logLevel: 'warn' });
  const bare = express();
  bare.get('/', (_req, res) => {
    res.send('Hello from a bare handler');
  });
  const bareServer = createServer(bare).listen(0);
  const web = await startWeb(config, createLogger(config));
  try {
    const db = database.db;
    await seedDemoData(db, new Date());
    const speech = await campaignId(db, slug);
    const donors = await Promise.all(Array.from({ length: 50 }, (_, i) => aDonorRow(db, `bench${i}@example.com`, `Bench donor ${i}`)));
    for (let start = 0; start < gifts; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const i = start + j;
          const currency = ['HKD', 'CNY', 'USD'][i % 3]!;
          const amount = 10_000 + (i % 40) * 500;
          return aPaidGift(db, {
            campaignId: speech,
            donorId: i % 4 === 0 ? null : donors[i % donors.length]!,
            amount,
            currency,
            settlement: currency === 'HKD' ? undefined : { amount: Math.round(amount * (currency === 'USD' ? 7.8 : 1.08)), currency: 'HKD', rate: currency === 'USD' ? '7.8' : '1.08' },
            fee: 300,
            name: `Donor ${i}`,
            occurredAt: new Date(Date.now() - i * 60_000),
          });
        }),
      );
    }

    const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;
    const appUrl = `http://127.0.0.1:${web.port}`;
    const targets: Array<[string, string]> = [
      ['bare Express handler', bareUrl],
      [`GET /campaigns/${slug}`, `${appUrl}/campaigns/${slug}`],
      [`GET /api/campaigns/${slug}`, `${appUrl}/api/campaigns/${slug}`],
    ];
    for (const [, url] of targets) {
      const res = await fetch(url);
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    }
    const figures: Record<string, LoadFigures> = {};
    for (const [name, url] of targets) {
      await load(url, 2); // warm-up: JIT, pools, view cache
      figures[name] = await load(url, seconds);
    }
    const baseline = figures[targets[0]![0]]!;
    console.log(`${connections} connections, ${seconds} s per target after a 2 s warm-up; ${gifts} gifts on ${slug}`);
    const rows = targets.map(([name]) => {
      const f = figures[name]!;
      const ratio = f.rps / baseline.rps;
      console.log(
        `${name.padEnd(40)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  ratio ${ratio.toFixed(3)}` +
          (f.errors || f.non2xx ? `  (errors ${f.errors}, non-2xx ${f.non2xx})` : ''),
      );
      return { name, rps: Math.round(f.rps), p99: f.p99, ratio: Number(ratio.toFixed(3)) };
    });
    console.log(`BENCH ${JSON.stringify({ bench: 'http', rows })}`);
  } finally {
    // autocannon drops its sockets at the end of a run while their requests are still being answered;
    // stop() waits for sockets, not for handlers, so those handlers are given a moment to finish first.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await web.stop();
    await new Promise((resolve) => bareServer.close(resolve));
    await database.drop();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
