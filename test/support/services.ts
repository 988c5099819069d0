// Where the test suite finds its real services: the machine's PostgreSQL and Redis on loopback.
export const adminDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Set by the global setup: the migrated database each test file clones. */
export function templateDatabase(): string {
  const name = process.env.SMILEFUND_TEST_TEMPLATE;
  if (!name) throw new Error('SMILEFUND_TEST_TEMPLATE is not set: run the tests through `npm test`');
  return name;
}

export const testDatabasePrefix = (runId: string) => `smilefund_t_${runId}_`;
