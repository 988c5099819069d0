// What every feature is handed: configuration, the database, Redis, the job queues, Stripe, mail and the logger.
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { createDb, type Db } from '../db/index';
import { openQueues, type JobQueues } from '../jobs/queues';
import { createCampaignCache, type CampaignCache } from './campaigns/live-cache';
import type { ReadyConfig } from './config';
import type { Logger } from './logger';
import { createMailer, type Mailer } from './receipts/mailer';
import { createRedis } from './redis';
import { createStripeClient } from './stripe/client';

export interface AppContext {
  config: ReadyConfig;
  db: Db;
  redis: Redis;
  queues: JobQueues;
  stripe: Stripe;
  mailer: Mailer;
  logger: Logger;
  /** What donors read about campaigns, in memory until it changes; it connects on first use, so only the web process holds it open. */
  campaignCache: CampaignCache;
}

export function openContext(config: ReadyConfig, logger: Logger): AppContext {
  const redis = createRedis(config.redisUrl, logger);
  return {
    config,
    logger,
    db: createDb(config.databaseUrl, { onIdleError: (error) => logger.warn({ err: error }, 'postgres: idle connection lost') }),
    redis,
    queues: openQueues(redis, config.redisPrefix),
    stripe: createStripeClient(config.stripe),
    mailer: createMailer(config.smtpUrl),
    campaignCache: createCampaignCache(config.databaseUrl, logger),
  };
}

export async function closeContext({ db, redis, queues, mailer, campaignCache }: AppContext): Promise<void> {
  await queues.close();
  mailer.close();
  await campaignCache.close();
  await Promise.allSettled([db.destroy(), redis.status === 'ready' ? redis.quit() : redis.disconnect()]);
}
