import { Redis } from 'ioredis';
import type { Logger } from './logger';

/**
 * A connection for the web process: commands fail at once while Redis is away (no offline queue),
 * so a request never hangs on it and /healthz can say so.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // ioredis arms this timer on disconnect even when the socket is already gone; keep shutdown short.
    disconnectTimeout: 300,
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis reconnects by itself; one line per distinct failure is enough.
    if (error.message !== lastError) logger.warn({ err: error }, 'redis: connection problem');
    lastError = error.message;
  });
  redis.on('ready', () => {
    lastError = '';
  });
  return redis;
}
