// One budget of Stripe calls a second, in Redis, that every web and worker process draws from: per
// operation and in all, as Stripe counts them, with a reserve of the global limit that only donors'
// Checkout and Billing Portal sessions may take. Donors refused a Checkout slot wait in a line (a sorted
// set by arrival) that newcomers cannot overtake.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StripeBudgetLimits } from './budget-limits';

/**
 * Calls are counted over a sliding window, as Stripe's limiter counts them: a second, and a little more,
 * because Stripe counts a call when it arrives and we when it leaves, and the way there takes longer for
 * some calls than for others (a new connection, a busy event loop, the network's jitter).
 */
const windowMs = 1_100;
/**
 * A donor refused a slot who does not come back within this has left the line. The waiting page moves each
 * visitor's deadline to when it asked them back (placeInLine's `backWithinMs`); this is for the first refusal,
 * after which the browser follows a redirect to that page at once.
 */
const donorBackWithinMs = 20_000;

export type StripeCallPriority = 'donor' | 'background';

export type BudgetAnswer =
  /** `waitedMs`: how long a donor in the line waited for this slot, when they had been in it. */
  | { taken: true; waitedMs: number | undefined }
  /** `retryInMs`: when a slot should be free again (a hint; another process may take it first); `ahead`: donors in the line before this one. */
  | { taken: false; retryInMs: number; ahead: number };

/** A waiting donor's place: `place` donors are ahead of them, `free` slots are free now, the next frees in about `retryInMs`. */
export interface PlaceInLine {
  place: number;
  free: number;
  retryInMs: number;
}

export interface StripeBudget {
  limits: StripeBudgetLimits;
  /**
   * A slot for one call of `operation` now, or not. Background calls never take the donors' reserve; a donor's
   * call passes nobody in the line, and with `line` joins it when refused (or keeps their place in it).
   */
  take(operation: string, priority: StripeCallPriority, line?: string): Promise<BudgetAnswer>;
  /**
   * Where `line`'s donor stands in the line for `operation`, without taking a slot (a waiting page's visit,
   * which touches nothing else while the donor's turn has not come); undefined when they are not in it. The
   * donor keeps their place if they come back within `backWithinMs`.
   */
  placeInLine(operation: string, line: string, backWithinMs: number): Promise<PlaceInLine | undefined>;
  /** How many calls of `operation` a second the budget lets through, steadily: what a line moves at. */
  perSecond(operation: string): number;
  /** Calls admitted within the last window (a second and a little), by operation, and in all (`*`), across every process. */
  inUse(): Promise<Record<string, number>>;
}

// What both scripts share: Redis's own time (the one clock every process shares), the windows emptied of calls
// older than a window, the donors whose deadline passed (KEYS[4] holds each waiting donor's deadline to come
// back by) dropped from the line, and when the next slot frees.
const commonLua = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function emptyWindows(window)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  return redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])
end
local function dropGone()
  local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 500)
  if #gone > 0 then
    redis.call('ZREM', KEYS[3], unpack(gone))
    redis.call('ZREM', KEYS[4], unpack(gone))
  end
end
local function keepPlace(line, backWithin)
  redis.call('ZADD', KEYS[4], now + backWithin, line)
  redis.call('PEXPIRE', KEYS[3], backWithin + 60000)
  redis.call('PEXPIRE', KEYS[4], backWithin + 60000)
end
local function freedAt(window, key, count, limit)
  if count < limit then return 0 end
  if limit <= 0 then return window end
  local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return tonumber(entry[2]) + window - now
end
local function nextFreeIn(window, inGlobal, globalLimit, inOperation, operationLimit)
  return math.max(50, freedAt(window, KEYS[1], inGlobal, globalLimit), freedAt(window, KEYS[2], inOperation, operationLimit))
end
`;

// KEYS: global window, operation window, the operation's line (by arrival), the line's deadlines, operations
// seen, background calls' window. ARGV: global limit, operation limit, window ms, call id, line id or '',
// back-within ms, operation, priority, background limit. Returns {1, waited ms or -1} or {0, retry in ms, donors ahead}.
const takeScript = `${commonLua}
local globalLimit, operationLimit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local line, backWithin, donor = ARGV[5], tonumber(ARGV[6]), ARGV[8] == 'donor'
local inGlobal, inOperation = emptyWindows(window)
local free = math.min(globalLimit - inGlobal, operationLimit - inOperation)
local backgroundLimit, inBackground = tonumber(ARGV[9]), 0
if not donor then
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now - window)
  inBackground = redis.call('ZCARD', KEYS[6])
  free = math.min(free, backgroundLimit - inBackground)
end
local ahead, since = 0, false
if donor then
  dropGone()
  if line ~= '' then since = redis.call('ZSCORE', KEYS[3], line) end
  if since then ahead = redis.call('ZRANK', KEYS[3], line) else ahead = redis.call('ZCARD', KEYS[3]) end
end
if free > ahead then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('ZADD', KEYS[2], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  redis.call('PEXPIRE', KEYS[2], window * 2)
  redis.call('SADD', KEYS[5], ARGV[7])
  if not donor then
    redis.call('ZADD', KEYS[6], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[6], window * 2)
  end
  if since then
    redis.call('ZREM', KEYS[3], line)
    redis.call('ZREM', KEYS[4], line)
    return {1, now - tonumber(since)}
  end
  return {1, -1}
end
local wait = nextFreeIn(window, inGlobal, globalLimit, inOperation, operationLimit)
if not donor then wait = math.max(wait, freedAt(window, KEYS[6], inBackground, backgroundLimit)) end
if donor and line ~= '' then
  if not since then redis.call('ZADD', KEYS[3], now, line) end
  keepPlace(line, backWithin)
end
return {0, wait, ahead}
`;

// KEYS as takeScript's first four. ARGV: global limit for donors, operation limit, window ms, line id, back-within ms.
// Returns {-1} when the donor is not in the line, else {donors ahead, free slots, next slot in ms}.
const placeScript = `${commonLua}
local globalLimit, operationLimit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local line, backWithin = ARGV[4], tonumber(ARGV[5])
dropGone()
local place = redis.call('ZRANK', KEYS[3], line)
if not place then return {-1} end
keepPlace(line, backWithin)
local inGlobal, inOperation = emptyWindows(window)
local free = math.max(0, math.min(globalLimit - inGlobal, operationLimit - inOperation))
return {place, free, nextFreeIn(window, inGlobal, globalLimit, inOperation, operationLimit)}
`;

// ARGV: window ms. Returns the global count, then operation and count pairs.
const inUseScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local result = {redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')}
for _, operation in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  table.insert(result, operation)
  table.insert(result, redis.call('ZCOUNT', ARGV[2] .. operation, now - tonumber(ARGV[1]), '+inf'))
end
return result
`;

type BudgetRedis = Redis & {
  takeStripeSlot(...args: Array<string | number>): Promise<[number, number, number?]>;
  stripeLinePlace(...args: Array<string | number>): Promise<number[]>;
  stripeBudgetInUse(...args: Array<string | number>): Promise<Array<string | number>>;
};

export function createStripeBudget(redis: Redis, prefix: string, limits: StripeBudgetLimits): StripeBudget {
  const client = redis as BudgetRedis;
  if (typeof client.takeStripeSlot !== 'function') {
    client.defineCommand('takeStripeSlot', { numberOfKeys: 6, lua: takeScript });
    client.defineCommand('stripeBudgetInUse', { numberOfKeys: 2, lua: inUseScript });
    client.defineCommand('stripeLinePlace', { numberOfKeys: 4, lua: placeScript });
  }
  const key = (part: string) => `${prefix}:stripe-budget:${part}`;
  const operationLimitOf = (operation: string) => limits.operations[operation] ?? limits.perOperation;
  return {
    limits,
    async take(operation, priority, line) {
      const [taken, value, ahead] = await client.takeStripeSlot(
        key('global'),
        key(`op:${operation}`),
        key(`line:${operation}`),
        key(`line-visits:${operation}`),
        key('operations'),
        key('background'),
        limits.global,
        operationLimitOf(operation),
        windowMs,
        randomBytes(8).toString('hex'),
        line ?? '',
        donorBackWithinMs,
        operation,
        priority,
        limits.global - limits.donorReserve,
      );
      return taken === 1 ? { taken: true, waitedMs: value >= 0 ? value : undefined } : { taken: false, retryInMs: value, ahead: ahead ?? 0 };
    },
    async placeInLine(operation, line, backWithinMs) {
      const [place, free = 0, retryInMs = 50] = await client.stripeLinePlace(
        key('global'),
        key(`op:${operation}`),
        key(`line:${operation}`),
        key(`line-visits:${operation}`),
        limits.global,
        operationLimitOf(operation),
        windowMs,
        line,
        Math.round(backWithinMs),
      );
      return place === undefined || place < 0 ? undefined : { place, free, retryInMs };
    },
    perSecond(operation) {
      return (Math.min(limits.global, operationLimitOf(operation)) * 1000) / windowMs;
    },
    async inUse() {
      const [global, ...pairs] = await client.stripeBudgetInUse(key('global'), key('operations'), windowMs, key('op:'));
      const counts: Record<string, number> = { '*': Number(global) };
      for (let i = 0; i + 1 < pairs.length; i += 2) counts[String(pairs[i])] = Number(pairs[i + 1]);
      return counts;
    },
  };
}

/** A donor waiting for their Checkout Session: their place in the line, and, once served, how long they waited. */
export interface DonorLine {
  id: string;
  waitedMs?: number;
  /**
   * How long the request may be held for a slot that frees soon (performance.now() deadline), when few enough
   * donors are ahead that it will: a second's wait on the form beats a trip to the waiting page.
   */
  holdUntil?: number;
}

const donorLines = new AsyncLocalStorage<DonorLine>();

/**
 * Runs `call` (a Stripe call) as `line`'s donor: refused for want of a slot, they join the line, or keep their
 * place in it, rather than being turned away; served, `line.waitedMs` says how long they waited.
 */
export function inDonorLine<T>(line: DonorLine, call: () => Promise<T>): Promise<T> {
  return donorLines.run(line, call);
}

/** The donor the Stripe call being made is made for, if inDonorLine named one. */
export function currentDonorLine(): DonorLine | undefined {
  return donorLines.getStore();
}
