import request from 'supertest';
import { freePort } from '../../dev/ports';
import { createApp } from '../../server/app';
import { closeContext, openContext } from '../../server/context';
import { startTestContext, type TestContext } from '../support/context';

describe('GET /healthz', () => {
  let t: TestContext | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 200 when PostgreSQL and Redis both answer', async () => {
    t = await startTestContext();
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 naming Redis when nothing listens on its port', async () => {
    t = await startTestContext({ redisUrl: `redis://127.0.0.1:${await freePort()}` });
    const res = await request(t.app).get('/healthz').expect(503);
    expect(res.body).toMatchObject({ status: 'unavailable', failed: ['redis'], checks: { postgres: 'ok' } });
  });

  it('answers 503 naming PostgreSQL when nothing listens on its port', async () => {
    t = await startTestContext();
    const deadDatabase = `postgres://postgres@127.0.0.1:${await freePort()}/nothing`;
    const ctx = openContext({ ...t.ctx.config, databaseUrl: deadDatabase }, t.ctx.logger);
    try {
      const res = await request(createApp(ctx)).get('/healthz').expect(503);
      expect(res.body).toMatchObject({ status: 'unavailable', failed: ['postgres'], checks: { redis: 'ok' } });
    } finally {
      await closeContext(ctx);
    }
  });
});
