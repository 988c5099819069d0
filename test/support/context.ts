// The harness most tests start from: a fresh database, a Redis prefix of their own, an app for supertest.
import { randomBytes } from 'node:crypto';
import type express from 'express';
import { createApp, type AppOptions } from '../../server/app';
import { loadConfig, type ReadyConfig } from '../../server/config';
import { closeContext, openContext, type AppContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { createTestDatabase, type TestDatabase } from './database';
import { testNow } from './clock';
import { testRedisUrl } from './services';

export function testConfig(overrides: Partial<ReadyConfig> = {}): ReadyConfig {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PORT: '0' });
  return {
    ...config,
    databaseUrl: 'postgres://unset.invalid/none',
    redisUrl: testRedisUrl,
    redisPrefix: `smilefund-test:${randomBytes(4).toString('hex')}`,
    sessionSecret: 'test-session-secret-of-at-least-32-characters',
    // Nothing listens here either: a test that reads mail passes its own SMTP sink.
    smtpUrl: 'smtp://127.0.0.1:9',
    // Nothing listens here: a test that talks to Stripe passes the emulator's address instead.
    stripe: { ...config.stripe, secretKey: 'sk_test_unused', webhookSecret: 'whsec_test', apiUrl: 'http://127.0.0.1:9' },
    clockStart: testNow,
    ...overrides,
  };
}

/** What a web or worker process run as `npm run web` / `npm run worker` needs, from a test's config. */
export function processEnvironment(config: ReadyConfig): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    SESSION_SECRET: config.sessionSecret,
    STRIPE_SECRET_KEY: config.stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: config.stripe.webhookSecret,
    ...(config.stripe.apiUrl ? { STRIPE_API_URL: config.stripe.apiUrl } : {}),
    SMTP_URL: config.smtpUrl,
    ...(config.clockStart ? { CLOCK_START: config.clockStart.toISOString() } : {}),
  };
}

async function deleteRedisKeys({ redis }: AppContext, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface TestContext {
  ctx: AppContext;
  app: express.Express;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startTestContext(overrides: Partial<ReadyConfig> = {}, options: AppOptions = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const config = testConfig({ databaseUrl: database.url, ...overrides });
  const ctx = openContext(config, createLogger(config));
  return {
    ctx,
    database,
    app: createApp(ctx, { hearChangesFirst: true, ...options }),
    async close() {
      if (ctx.redis.status === 'ready') await deleteRedisKeys(ctx, `${config.redisPrefix}:*`);
      await closeContext(ctx);
      await database.drop();
    },
  };
}
