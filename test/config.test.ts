import { ConfigError, loadConfig, localRedisPrefix, requireReadyConfig } from '../server/config';
import { runScript } from './support/processes';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('runs with nothing set, leaving every service to the local stand-ins', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.stripe.secretKey).toBeUndefined();
    expect(config.dataDir).toBe('.data');
    expect(config.organisation.name.en).toMatch(/\w/);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      BASE_URL: 'https://give.example.org/',
      DATABASE_URL: 'postgres://app@db.internal:5432/smilefund',
      REDIS_URL: 'redis://cache.internal:6379',
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      STRIPE_WALLETS: 'alipay, wechat_pay',
      DONATION_MAXIMUM: '50000',
      GENERAL_FUND_SLUG: 'where-most-needed',
      SMTP_URL: 'smtp://mail.internal:587',
      MAIL_FROM: 'Smile Charity <giving@example.org>',
      SESSION_SECRET: 'x'.repeat(40),
      ORG_NAME: '微笑基金会',
      ORG_ADDRESS: '1 Harbour Road, Hong Kong',
      ORG_REGISTRATION: 'Charity No. 91/12345',
    });
    expect(config).toMatchObject({
      port: 8080,
      baseUrl: 'https://give.example.org',
      databaseUrl: 'postgres://app@db.internal:5432/smilefund',
      stripe: { secretKey: 'sk_test_abc123', webhookSecret: 'whsec_abc123', apiUrl: 'http://127.0.0.1:12111', wallets: ['alipay', 'wechat_pay'] },
      donations: { maximumMajorUnits: 50000, generalFundSlug: 'where-most-needed' },
      organisation: { name: { en: '微笑基金会' }, registration: { en: 'Charity No. 91/12345' } },
    });
  });

  it('names the variable and what it expects when a value is bad', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual(['PORT: expected a whole number between 0 and 65535 (got "eighty")']);
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: expected a whole number/);
    expect(problemsOf({ BASE_URL: 'give.example.org' })[0]).toMatch(/^BASE_URL: expected a URL starting with http:\/\/ or https:\/\//);
    expect(problemsOf({ SESSION_SECRET: 'short' })[0]).toMatch(/^SESSION_SECRET: expected at least 32 random characters/);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: expected one of/);
    expect(problemsOf({ STRIPE_WALLETS: 'alipay,paypal' })[0]).toMatch(/^STRIPE_WALLETS: expected a comma-separated list of alipay and wechat_pay/);
    expect(problemsOf({ DONATION_MAXIMUM: '2000000' })[0]).toMatch(/^DONATION_MAXIMUM: expected a whole number of major units between 1 and 999999/);
    expect(problemsOf({ GENERAL_FUND_SLUG: 'General Fund' })[0]).toMatch(/^GENERAL_FUND_SLUG: expected a campaign slug/);
  });

  it('lists every bad variable at once and never echoes a secret', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/app', STRIPE_SECRET_KEY: 'pk_live_notasecret', PORT: '-1' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toMatch(/hunter2|pk_live_notasecret/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres:\/\/.*the value is hidden/);
    expect(problems.find((p) => p.startsWith('STRIPE_SECRET_KEY'))).toMatch(/sk_test_/);
  });

  it('reads which proxies may name the visitor, and refuses to trust everyone', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    for (const bad of ['true', '*', '10.0.0.0/33', 'example.org', '11']) expect(problemsOf({ TRUST_PROXY: bad })[0]).toMatch(/^TRUST_PROXY: expected loopback, linklocal, uniquelocal/);
  });

  it('gives each `npm start` data directory a Redis prefix of its own unless REDIS_PREFIX names one', () => {
    const first = localRedisPrefix(loadConfig({ DATA_DIR: '/srv/smile/one' }));
    const second = localRedisPrefix(loadConfig({ DATA_DIR: '/srv/smile/two' }));
    expect(first).toMatch(/^smilefund-[0-9a-f]{10}$/);
    expect(second).toMatch(/^smilefund-[0-9a-f]{10}$/);
    expect(first).not.toBe(second);
    expect(localRedisPrefix(loadConfig({ DATA_DIR: '/srv/smile/one/' }))).toBe(first);
    expect(localRedisPrefix(loadConfig({ DATA_DIR: '/srv/smile/one', REDIS_PREFIX: 'charity-demo' }))).toBe('charity-demo');
    // The web and worker processes keep the one prefix they always had.
    expect(loadConfig({ DATA_DIR: '/srv/smile/one' }).redisPrefix).toBe('smilefund');
  });

  it('treats an empty value as unset, as .env files often leave them', () => {
    expect(loadConfig({ DATABASE_URL: '', SMTP_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it('requires the services to be named for the web and worker processes', () => {
    expect(() => requireReadyConfig(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }))).toThrow(/DATABASE_URL[\s\S]*SESSION_SECRET[\s\S]*STRIPE_SECRET_KEY[\s\S]*STRIPE_WEBHOOK_SECRET/);
  });

  it('stops `npm run web` with a message, not a stack trace, when a value is bad', async () => {
    const { code, stderr } = await runScript('server/main.ts', { PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT: expected a whole number between 0 and 65535 (got "eighty")');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
