// The platform as `npm start` starts it, on a fresh database, and Debian's chromium driven by
// playwright-core: what every browser journey in test/browser begins with.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './database';
import { testNow } from './clock';
import { exitOf, spawnScript, waitForOutput } from './processes';
import { patienceMs } from './wait';

const chromiumPath = '/usr/bin/chromium';
// Without the background-networking flags chromium keeps calling hosts this machine cannot reach.
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

export interface BrowserApp {
  /** http://localhost:PORT, as the start log prints it. */
  url: string;
  app: ReturnType<typeof spawnScript>;
  database: TestDatabase;
  browser: Browser;
  /** A page, or a context, whose every wait and navigation has the suite's patience rather than Playwright's 30 s. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  stop(): Promise<void>;
}

export async function startBrowserApp(name: string): Promise<BrowserApp> {
  if (!existsSync(chromiumPath)) throw new Error(`The browser tests need Debian's chromium at ${chromiumPath}: apt-get install -y chromium`);
  const database = await createTestDatabase({ empty: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `smilefund-${name}-`));
  // Only the mail catcher and the emulator's state file live here; the database is the test's own.
  chmodSync(dataDir, 0o755);
  const app = spawnScript('dev/start.ts', { PORT: '0', DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_PREFIX: `smilefund-${name}-${process.pid}`, CLOCK_START: testNow.toISOString() });
  const stop = async () => {
    await browser?.close();
    if (app.exitCode === null) {
      app.kill('SIGTERM');
      await exitOf(app);
    }
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let browser: Browser | undefined;
  try {
    const [, url] = (await waitForOutput(app, /open (http:\/\/localhost:\d+)/)) as [string, string];
    const launched = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
    browser = launched;
    const newContext = async (options?: BrowserContextOptions) => {
      const context = await launched.newContext(options);
      context.setDefaultTimeout(patienceMs);
      context.setDefaultNavigationTimeout(patienceMs);
      return context;
    };
    const newPage = async (options?: BrowserContextOptions) => {
      const context = await newContext(options);
      // The context goes with the browser at stop().
      return context.newPage();
    };
    return { url, app, database, browser: launched, newPage, newContext, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
