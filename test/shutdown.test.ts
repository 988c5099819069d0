import http from 'node:http';
import os from 'node:os';
import { Router } from 'express';
import request from 'supertest';
import { createLogger } from '../server/logger';
import { startWeb } from '../server/main';
import { processEnvironment, testConfig } from './support/context';
import { createTestDatabase, type TestDatabase } from './support/database';
import { exitOf, spawnScript, waitForOutput } from './support/processes';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('stops accepting, lets a request in flight finish, then closes the pools', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    // The order is the server's: the response handed to the socket, then the pools closed. (The
    // client's own reading of the response may come a moment after either.)
    const events: string[] = [];
    const slow = Router().get('/test/slow', async (_req, res) => {
      arrived();
      await released;
      res.on('finish', () => events.push('response'));
      res.send('finished');
    });
    const config = testConfig({ databaseUrl: database.url });
    const web = await startWeb(config, createLogger(config), { extraRoutes: [slow] });
    const base = `http://127.0.0.1:${web.port}`;

    const slowResponse = get(`${base}/test/slow`);
    await inFlight;
    const stopped = web.stop().then(() => events.push('stopped'));
    await expect(get(`${base}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    release();
    const response = await slowResponse;
    await stopped;
    expect(response).toEqual({ status: 200, body: 'finished' });
    expect(events).toEqual(['response', 'stopped']);
    await expect(request(base).get('/healthz')).rejects.toThrow();
  });

  const environment = () => processEnvironment(testConfig({ databaseUrl: database.url }));

  it('exits 0 on SIGTERM when run as `npm run web`', async () => {
    const web = spawnScript('server/main.ts', environment());
    const [, port] = await waitForOutput(web, /"port":(\d+)[^\n]*"msg":"web: ready"/);
    expect((await get(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    web.kill('SIGTERM');
    expect(await exitOf(web)).toBe(0);
    expect(web.output.stdout).toContain('shut down cleanly');
  });

  it('exits 0 on SIGTERM when run as `npm run worker`, having given way to the web process for the CPU', async () => {
    const worker = spawnScript('jobs/worker.ts', { ...environment(), WORKER_NICENESS: '7' });
    await waitForOutput(worker, /worker: ready/);
    expect(os.getPriority(worker.pid!)).toBe(7);
    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toBe(0);
    expect(worker.output.stdout).toContain('shut down cleanly');
  });
});
