// What every feature is handed: configuration, the clock, the database (and the export connections beside it), Redis, the job queues, Stripe, mail, the campaign cache, the logger and metrics.
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type Stripe from 'stripe';
import { createDb, exportConnections, type Db } from './database';
import { openQueues, type JobQueues } from './queues';
import { createCampaignCache, type CampaignCache } from './campaign-cache';
import { clockFor, type Clock } from './clock';
import type { ReadyConfig } from './config';
import type { Logger } from './logger';
import { createMailer, type Mailer } from './mailer';
import { createRedis } from './redis';
import { createStripeClient } from './stripe/client';
import { createMetrics, type Metrics } from './metrics/metrics';
import { createStripeBudget, type StripeBudget } from './stripe/budget';
import { defaultStripeBudget } from './stripe/budget-limits';

export interface AppContext {
  config: ReadyConfig;
  /** "Now" for every date the platform derives: see clock.ts. */
  clock: Clock;
  db: Db;
  redis: Redis;
  queues: JobQueues;
  stripe: Stripe;
  /** The Stripe calls a second every process shares, which the Stripe client draws from; the waiting page reads a donor's place in its line. */
  stripeBudget: StripeBudget;
  mailer: Mailer;
  logger: Logger;
  /** What donors read about campaigns, in memory until it changes; it connects on first use, so only the web process holds it open. */
  campaignCache: CampaignCache;
  /** The connections CSV exports stream through, apart from the request pool; none is opened until an export asks. */
  exportConnections: pg.Pool;
  /** This process's Prometheus metrics; undefined unless METRICS_PORT is set, and then served by its own listener. */
  metrics: Metrics | undefined;
}

export interface ContextOptions {
  /** The database pool's size: the web process's default, 10, or what a worker running many jobs at once needs. */
  databaseConnections?: number;
}

export function openContext(config: ReadyConfig, logger: Logger, clock: Clock = clockFor(config.clockStart), options: ContextOptions = {}): AppContext {
  const redis = createRedis(config.redisUrl, logger);
  const queues = openQueues(redis, config.redisPrefix);
  const stripeBudget = createStripeBudget(redis, config.redisPrefix, config.stripe.budget ?? defaultStripeBudget);
  const metrics = config.metrics ? createMetrics(queues, stripeBudget) : undefined;
  const stripe = createStripeClient(config.stripe, { budget: stripeBudget, metrics, logger });
  return {
    config,
    clock,
    logger,
    db: createDb(config.databaseUrl, { max: options.databaseConnections, onIdleError: (error) => logger.warn({ err: error }, 'postgres: idle connection lost') }),
    redis,
    queues,
    stripe,
    stripeBudget,
    mailer: createMailer(config.smtpUrl, config.mail.concurrency),
    campaignCache: createCampaignCache(config.databaseUrl, logger),
    exportConnections: exportConnections(config.databaseUrl),
    metrics,
  };
}

export async function closeContext({ db, redis, queues, mailer, campaignCache, exportConnections }: AppContext): Promise<void> {
  await queues.close();
  mailer.close();
  await Promise.all([campaignCache.close(), exportConnections.end()]);
  await Promise.allSettled([db.destroy(), redis.status === 'ready' ? redis.quit() : redis.disconnect()]);
}
