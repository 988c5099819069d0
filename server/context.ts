// What every feature is handed: configuration, the database, Redis and the logger.
import type { Redis } from 'ioredis';
import { createDb, type Db } from '../db/index';
import type { ReadyConfig } from './config';
import type { Logger } from './logger';
import { createRedis } from './redis';

export interface AppContext {
  config: ReadyConfig;
  db: Db;
  redis: Redis;
  logger: Logger;
}

export function openContext(config: ReadyConfig, logger: Logger): AppContext {
  return { config, logger, db: createDb(config.databaseUrl), redis: createRedis(config.redisUrl, logger) };
}

export async function closeContext({ db, redis }: AppContext): Promise<void> {
  await Promise.allSettled([db.destroy(), redis.status === 'ready' ? redis.quit() : redis.disconnect()]);
}
