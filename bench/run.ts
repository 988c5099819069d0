// `npm run bench`: every benchmark in turn, each in a process of its own, then one table of the figures.
// Each benchmark prints its own lines as it goes and one `BENCH {json}` line that this runner reads.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const benches: Array<[string, string[]]> = [
  ['receipts.ts', ['200']],
  ['http.ts', ['8']],
  ['finance.ts', ['1000000']],
  ['webhooks.ts', ['2000']],
  ['stripe-calls.ts', []],
  // A short appeal: that the donor's whole path works under Stripe's latency and live limits; the scenarios themselves are run alone.
  ['telethon.ts', ['5', '10', '150,50', 'live']],
];

type Row = [string, string, string, string];

function run(script: string, args: string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => {
      const line = /^BENCH (.*)$/m.exec(out)?.[1];
      if (code !== 0 || !line) reject(new Error(`${script} exited with ${code}${line ? '' : ' without a BENCH line'}`));
      else resolve(JSON.parse(line));
    });
  });
}

function rowsOf(result: Record<string, any>): Row[] {
  switch (result.bench) {
    case 'receipts':
      return [['receipts', `${result.gifts} receipts end to end`, `${result.platformRate}/s`, `${result.ratio} of plain nodemailer (${result.baselineRate}/s)`]];
    case 'http':
      return result.rows.map((r: any) => ['http', r.name, `${r.rps} req/s, p99 ${r.p99} ms`, `${r.ratio} of bare Express`]);
    case 'finance':
      return [
        ...result.timings.map((t: any) => ['finance', t.name, `${t.ms} ms`, t.ms < 100 ? 'under 100 ms' : 'OVER 100 ms']),
        ['finance', `CSV export of ${result.gifts.toLocaleString('en')} gifts`, `${result.export.rowsPerSecond.toLocaleString('en')} rows/s, peak RSS ${result.export.peakRssMb} MB`, `${result.export.copyRatio} of its bare COPY, ${result.export.ratio} of a bare cursor`],
      ];
    case 'webhooks':
      return [
        ['webhooks', `${result.events} signed events (${(result.eventBytes / 1024).toFixed(1)} KB), acknowledged`, `${result.ackedRate}/s`, `${result.ackedToFloor} of the floor (${result.floorRate}/s)`],
        ['webhooks', `the same, fully processed (ledger, totals, receipt jobs)`, `${result.processedRate}/s`, `${result.processedToPeer} of the peer, Stripe Sync Engine (${result.peerRate}/s)`],
      ];
    case 'stripe-calls':
      return Object.entries(result.scenarios as Record<string, { total: number; byOperation: Record<string, number> }>).map(([name, { total, byOperation }]) => [
        'stripe-calls',
        name,
        `${total} Stripe calls`,
        Object.entries(byOperation)
          .map(([operation, n]) => `${n} × ${operation}`)
          .join(', '),
      ]);
    case 'telethon': {
      const lag = result.receiptLagSeconds;
      return [
        ['telethon', `${result.rate} gifts/s × ${result.duration} s, Stripe live limits, ${result.latency ? `${result.latency.mean} ± ${result.latency.jitter} ms` : 'no latency'}`, `${result.refused} refused, ${result.waited} waited, ${result.lost} lost, ${result.doubled} doubled`, 'goal 0 each'],
        ['telethon', 'payment → receipt (p50 / p99 / max)', `${lag.p50} / ${lag.p99} / ${lag.max} s`, `${result.stripeCallsPerGift} Stripe calls per gift, ${result.rateLimited} 429s`],
      ];
    }
    default:
      return [];
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  let failed = false;
  for (const [script, args] of benches) {
    console.log(`\n=== ${script} ${args.join(' ')}`);
    try {
      rows.push(...rowsOf(await run(script, args)));
    } catch (error) {
      failed = true;
      console.error((error as Error).message);
      rows.push([script.replace(/\.ts$/, ''), 'failed', '', '']);
    }
  }
  const table: Row[] = [['bench', 'subject', 'figure', 'against the baseline'], ...rows];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log(`\nAll benchmarks, ${((performance.now() - started) / 1000).toFixed(0)} s:`);
  for (const [i, row] of table.entries()) {
    console.log(`| ${row.map((cell, j) => cell.padEnd(widths[j]!)).join(' | ')} |`);
    if (i === 0) console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  }
  if (failed) process.exit(1);
}

void main();
