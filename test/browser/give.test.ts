// A donor's whole journey in a real browser: the platform started as `npm start` starts it, Debian's
// chromium driven by playwright-core, and the local Stripe emulator's hosted pay page in between.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exitOf, spawnScript, waitForOutput } from '../support/processes';

const chromiumPath = '/usr/bin/chromium';
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

describe('a donor gives in the browser', () => {
  let database: TestDatabase;
  let dataDir: string;
  let browser: Browser;
  let app: ReturnType<typeof spawnScript>;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) throw new Error(`The browser tests need Debian's chromium at ${chromiumPath}: apt-get install -y chromium`);
    database = await createTestDatabase({ empty: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'smilefund-browser-'));
    chmodSync(dataDir, 0o755);
    app = spawnScript('dev/start.ts', { PORT: '0', DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_PREFIX: `smilefund-browser-${process.pid}` });
    [, url] = (await waitForOutput(app, /open (http:\/\/localhost:\d+)/)) as [string, string];
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
  });

  afterAll(async () => {
    await browser?.close();
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await exitOf(app);
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives from the home page through the pay page to the thank-you page, and sees the total move', async () => {
    expect(app.output.stdout).toMatch(/stripe: local emulator on http:\/\/127\.0\.0\.1:\d+/);
    const page = await browser.newPage();
    await page.goto(url);
    const card = page.locator('.campaign-card', { hasText: 'Speech therapy fund' });
    await expect(card.locator('[data-raised]').textContent()).resolves.toBe('HK$0');
    await card.getByRole('link', { name: 'Speech therapy fund' }).click();

    await page.getByLabel('Amount').fill('150');
    await page.getByLabel('Currency').selectOption('HKD');
    await page.getByLabel('Your name').fill('陈美玲');
    await page.getByLabel('Email, for your receipt').fill('mei.chan@example.com');
    await page.getByRole('button', { name: 'Continue to payment' }).click();

    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay' }).click();

    await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
    // The page shows the gift as pending until the webhook is applied, and reloads itself until then.
    await page.getByText('Confirmed:').waitFor({ timeout: 30_000 });
    expect(await page.locator('.status-confirmed').textContent()).toContain('HK$150.00');

    await page.goto(url);
    await expect(page.locator('.campaign-card', { hasText: 'Speech therapy fund' }).locator('[data-raised]').textContent()).resolves.toBe('HK$150');
  });
});
