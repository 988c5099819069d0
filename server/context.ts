// What every feature is handed: configuration, the database, Redis, the job queues, Stripe and the logger.
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { createDb, type Db } from '../db/index';
import { openQueues, type JobQueues } from '../jobs/queues';
import type { ReadyConfig } from './config';
import type { Logger } from './logger';
import { createRedis } from './redis';
import { createStripeClient } from './stripe/client';

export interface AppContext {
  config: ReadyConfig;
  db: Db;
  redis: Redis;
  queues: JobQueues;
  stripe: Stripe;
  logger: Logger;
}

export function openContext(config: ReadyConfig, logger: Logger): AppContext {
  const redis = createRedis(config.redisUrl, logger);
  return {
    config,
    logger,
    db: createDb(config.databaseUrl),
    redis,
    queues: openQueues(redis, config.redisPrefix),
    stripe: createStripeClient(config.stripe),
  };
}

export async function closeContext({ db, redis, queues }: AppContext): Promise<void> {
  await queues.close();
  await Promise.allSettled([db.destroy(), redis.status === 'ready' ? redis.quit() : redis.disconnect()]);
}
