// Redis for `npm start` with no REDIS_URL: the usual local one, else a redis-server of our own.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports';
import type { LocalService } from './postgres';

export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    // After a refused connection the stream is already closed, and ioredis would arm a timer to close it again.
    if (redis.status !== 'end') redis.disconnect();
  }
}

const installHint =
  'Redis is needed and none answers on 127.0.0.1:6379, nor is redis-server on the PATH.\n' +
  'Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL in .env.';

export async function findOrStartRedis(dataDir: string, usual = 'redis://127.0.0.1:6379'): Promise<LocalService> {
  if (await redisAnswers(usual)) {
    return { url: usual, description: new URL(usual).host, stop: async () => undefined };
  }
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.ErrnoException | number | null>((resolve) => {
    child.once('error', resolve);
    child.once('exit', resolve);
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const outcome = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100, 'waiting'))]);
    if (outcome !== 'waiting') {
      throw new Error((outcome as NodeJS.ErrnoException)?.code === 'ENOENT' ? installHint : `redis-server exited early (${String(outcome)})`);
    }
    if (await redisAnswers(url)) {
      return {
        url,
        description: `redis-server, ${dataDir} (port ${port})`,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port}`);
}
