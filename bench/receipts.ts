// Receipts per second, end to end: held Stripe webhooks are released at once, and the clock stops
// when the local SMTP server has accepted every receipt. The baseline, in the same run and against
// the same server, is plain nodemailer sending as many messages of the same size.
// Run: npm run bench -- [gifts]   (needs the test services: PostgreSQL and Redis on loopback)
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { aDonor, startGivingHarness } from '../test/support/giving';

const gifts = Number(process.argv[2] ?? 200);
const concurrency = 10;

async function main(): Promise<void> {
  await globalSetup();
  const h = await startGivingHarness({ config: { mail: { concurrency, ratePerSecond: 100_000 } } });
  try {
    h.emulator.holdWebhooks();
    for (let start = 0; start < gifts; start += 20) {
      const batch = Array.from({ length: Math.min(20, gifts - start) }, (_, i) => h.give('general', aDonor({ email: `bench${start + i}@example.com`, currency: 'USD', amount: '25' })));
      await Promise.all((await Promise.all(batch)).map(({ sessionId }) => h.pay(sessionId)));
    }

    const started = performance.now();
    await h.emulator.releaseWebhooks('shuffle');
    await h.mail.waitFor(gifts, 600_000);
    const platformSeconds = (performance.now() - started) / 1000;
    const sample = h.mail.messages[0]!;

    const transport = nodemailer.createTransport({ url: h.mail.url, pool: true, maxConnections: concurrency } as never);
    const before = h.mail.messages.length;
    const baselineStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < gifts) {
          const i = next++;
          await transport.sendMail({ from: h.config.mailFrom, to: `baseline${i}@example.com`, subject: sample.subject, html: String(sample.html), text: sample.text });
        }
      }),
    );
    await h.mail.waitFor(before + gifts);
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    transport.close();

    const platformRate = gifts / platformSeconds;
    const baselineRate = gifts / baselineSeconds;
    console.log(`receipts end to end: ${gifts} in ${platformSeconds.toFixed(2)} s = ${platformRate.toFixed(1)}/s`);
    console.log(`plain nodemailer:    ${gifts} in ${baselineSeconds.toFixed(2)} s = ${baselineRate.toFixed(1)}/s`);
    console.log(`ratio (platform / plain nodemailer): ${(platformRate / baselineRate).toFixed(3)}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'receipts', gifts, platformRate: Number(platformRate.toFixed(1)), baselineRate: Number(baselineRate.toFixed(1)), ratio: Number((platformRate / baselineRate).toFixed(3)) })}`);
  } finally {
    await h.stop();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
