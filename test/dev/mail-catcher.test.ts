import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { type Request } from 'express';
import request from 'supertest';
import { fromThisMachine, startMailCatcher, type MailCatcher } from '../../dev/mail-catcher';
import { errorHandler } from '../../server/http/error-handler';
import { useViews } from '../../server/http/views';
import { createLogger } from '../../server/logger';

describe('the development mail viewer', () => {
  let catcher: MailCatcher;
  let dir: string;
  const app = express();
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smilefund-mail-'));
    catcher = await startMailCatcher(dir);
    useViews(app, { cache: false });
    app.use(catcher.routes, errorHandler(createLogger({ logLevel: 'silent' })));
  });
  afterAll(async () => {
    await catcher.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows caught mail to a browser on this machine', async () => {
    await request(app).get('/dev/mail').expect(200);
  });

  it('shows nothing to a visitor a local proxy forwarded, whatever address they claim', async () => {
    await request(app).get('/dev/mail').set('X-Forwarded-For', '127.0.0.1').expect(404);
    await request(app).get('/dev/mail/1-abcdef01').set('Forwarded', 'for=127.0.0.1').expect(404);
  });

  it('knows this machine by the socket’s own address', () => {
    const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
      fromThisMachine({ socket: { remoteAddress }, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request);
    expect([from('127.0.0.1'), from('::1'), from('::ffff:127.0.0.1'), from('127.0.1.1')]).toEqual([true, true, true, true]);
    expect([from('192.168.1.20'), from('10.0.0.5'), from('::ffff:192.168.1.20'), from('fe80::1')]).toEqual([false, false, false, false]);
  });
});
