// Whether the services every request needs answer in time: Postgres and Redis.
import type { Redis } from 'ioredis';
import type { Db } from '../database';
import { withinMs } from '../queues';
import { pingPostgres } from './health.repository';

export type ServiceName = 'postgres' | 'redis';
export type HealthReport = Record<ServiceName, 'ok' | string>;

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<'ok' | string> {
  try {
    await withinMs(check(), timeoutMs, 'no answer');
    return 'ok';
  } catch (error) {
    return error instanceof Error && error.message ? error.message : 'failed';
  }
}

/**
 * The web connection has no offline queue, so a ping sent while it is still connecting would fail;
 * wait for the connection to be ready, or for its next error, first.
 */
function untilConnected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => settle();
    const onError = (error: Error) => settle(error);
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

export async function checkHealth(services: { db: Db; redis: Redis }, timeoutMs = 2_000): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    probe(() => pingPostgres(services.db), timeoutMs),
    probe(async () => {
      await untilConnected(services.redis);
      return services.redis.ping();
    }, timeoutMs),
  ]);
  return { postgres, redis };
}

export function failingServices(report: HealthReport): ServiceName[] {
  return (Object.keys(report) as ServiceName[]).filter((name) => report[name] !== 'ok');
}
