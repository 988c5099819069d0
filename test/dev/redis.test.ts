import { Redis } from 'ioredis';
import { freePort } from '../../dev/ports';
import { findOrStartRedis, redisAnswers } from '../../dev/redis';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testRedisUrl } from '../support/services';

describe('the local Redis stand-in', () => {
  it('uses the Redis that already answers', async () => {
    const redis = await findOrStartRedis('/nonexistent', testRedisUrl);
    expect(redis.url).toBe(testRedisUrl);
    await redis.stop();
    expect(await redisAnswers(testRedisUrl)).toBe(true);
  });

  it('starts redis-server on a free port when none answers, and stops it again', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smilefund-redis-'));
    try {
      const redis = await findOrStartRedis(dataDir, `redis://127.0.0.1:${await freePort()}`);
      expect(redis.description).toMatch(/^redis-server, /);
      const client = new Redis(redis.url);
      expect(await client.set('smilefund:probe', '1')).toBe('OK');
      client.disconnect();
      await redis.stop();
      expect(await redisAnswers(redis.url)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
