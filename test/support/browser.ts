// The platform as `npm start` starts it, on a fresh database, and Debian's chromium driven by
// playwright-core: what every browser journey in test/browser begins with.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './database';
import { exitOf, spawnScript, waitForOutput } from './processes';

const chromiumPath = '/usr/bin/chromium';
// Without the background-networking flags chromium keeps calling hosts this machine cannot reach.
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

export interface BrowserApp {
  /** http://localhost:PORT, as the start log prints it. */
  url: string;
  app: ReturnType<typeof spawnScript>;
  database: TestDatabase;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startBrowserApp(name: string): Promise<BrowserApp> {
  if (!existsSync(chromiumPath)) throw new Error(`The browser tests need Debian's chromium at ${chromiumPath}: apt-get install -y chromium`);
  const database = await createTestDatabase({ empty: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `smilefund-${name}-`));
  // Only the mail catcher and the emulator's state file live here; the database is the test's own.
  chmodSync(dataDir, 0o755);
  const app = spawnScript('dev/start.ts', { PORT: '0', DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_PREFIX: `smilefund-${name}-${process.pid}` });
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
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
    return { url, app, database, browser, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
