// `npm start` on a fresh machine: no .env, no DATABASE_URL, no SMTP_URL; an embedded PostgreSQL.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { testNow } from './support/clock';
import { exitOf, spawnScript, waitForOutput } from './support/processes';

describe('npm start with no configuration', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'smilefund-start-'));
    // PostgreSQL runs as its own user and must reach its data folder inside this one.
    chmodSync(dataDir, 0o755);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the demo campaigns on embedded PostgreSQL, reports healthy, and stops cleanly', async () => {
    const start = spawnScript('dev/start.ts', { PORT: '0', DATA_DIR: dataDir, REDIS_PREFIX: `smilefund-start-${process.pid}`, CLOCK_START: testNow.toISOString() });
    try {
      const [, url] = await waitForOutput(start, /open (http:\/\/localhost:\d+)/);
      expect(start.output.stdout).toMatch(new RegExp(`postgres: embedded, ${dataDir}/pg`));
      expect(start.output.stdout).toMatch(/redis: /);
      expect(start.output.stdout).toContain(`redis prefix: smilefund-start-${process.pid} (REDIS_PREFIX)`);
      expect(start.output.stdout).toMatch(/stripe: local emulator on http:\/\/127\.0\.0\.1:\d+/);
      expect(start.output.stdout).toMatch(/smtp: local catcher on 127\.0\.0\.1:\d+/);
      expect(start.output.stdout).toMatch(/seed: demo campaigns happy-smile-/);
      const adminLink = /staff: set the demo administrator's password \(admin@localhost\.test\) at (http:\/\/localhost:\d+\/staff\/password\/[\w-]{43})/.exec(start.output.stdout)?.[1];
      expect(adminLink).toBeDefined();
      await request(adminLink!).get('').expect(200);
      expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

      const home = await request(url!).get('/').expect(200);
      expect(home.text).toContain('Happy Smile');
      await request(url!).get('/healthz').expect(200, { status: 'ok' });
      await request(url!).get('/dev/mail').expect(200);

      start.kill('SIGTERM');
      expect(await exitOf(start)).toBe(0);
    } finally {
      if (start.exitCode === null) start.kill('SIGKILL');
    }
  });
});
