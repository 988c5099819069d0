// A fixed-window rate limit in Redis, for the few requests worth limiting (sign-in, starting a gift).
import type { Redis } from 'ioredis';

/**
 * Counts this attempt against `key` and says whether it is within `limit` per `windowSeconds`.
 * With Redis away it answers yes: the limit is a brake, and what it protects has its own checks.
 */
export async function withinRateLimit(redis: Redis, key: string, limit: number, windowSeconds: number): Promise<boolean> {
  try {
    const [[, count]] = (await redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) as [[unknown, number]];
    return count <= limit;
  } catch {
    return true;
  }
}
