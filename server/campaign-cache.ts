// What donors read about campaigns, kept in memory until Postgres says it changed. Migration 0011's
// triggers (and 0016's) NOTIFY campaign_changed with a campaign's id whenever its money, story, presets, updates or
// plans change, and Postgres delivers the notice at commit: a spike of visitors then costs one read per
// change instead of a handful of queries per visitor, and no one sees a total from before a gift that
// has been recorded. While the listening connection is down, nothing is kept and every read goes to
// the database.
import pg from 'pg';
import type { Logger } from './logger';

export const campaignChangedChannel = 'campaign_changed';

/** Which campaigns a kept value shows; 'all' for a list of campaigns, which any change may alter. */
export type ShownCampaigns = number[] | 'all';

export interface Loaded<T> {
  value: T;
  shows: ShownCampaigns;
}

export interface CampaignCache {
  /** The value kept under `key`, or `load`ed afresh when one of the campaigns it shows has changed since. */
  read<T>(key: string, load: () => Promise<Loaded<T>>): Promise<T>;
  /** Resolves once every change committed before the call has been heard (and what it made stale forgotten). */
  heard(): Promise<void>;
  /** Forgets what a campaign's change makes stale: what Postgres's notice does. */
  campaignChanged(campaignId: number): void;
  close(): Promise<void>;
}

interface Kept {
  value: unknown;
  shows: ShownCampaigns;
  keptAt: number;
}

// A safety net for what no trigger announces (the days left ticking over).
const keepAtMostMs = 10_000;
const reconnectAfterMs = 1_000;

export function createCampaignCache(databaseUrl: string, logger: Logger): CampaignCache {
  const kept = new Map<string, Kept>();
  const loading = new Map<string, Promise<unknown>>();
  // Changes are numbered; a load keeps its value only if nothing it shows changed after it began.
  let changes = 0;
  let lastChangeToAny = 0;
  let lastForgotEverything = 0;
  const lastChangeTo = new Map<number, number>();
  let listener: pg.Client | undefined;
  let listening = false;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  function forgetEverything() {
    changes += 1;
    lastChangeToAny = changes;
    lastForgotEverything = changes;
    kept.clear();
    loading.clear();
  }

  function campaignChanged(campaignId: number) {
    changes += 1;
    lastChangeToAny = changes;
    lastChangeTo.set(campaignId, changes);
    for (const [key, entry] of kept) if (entry.shows === 'all' || entry.shows.includes(campaignId)) kept.delete(key);
    // A load already under way may have read before this change: later readers start their own.
    loading.clear();
  }

  /** Lets go of the listening connection, whatever state it is in; nothing it says afterwards counts. */
  function hangUp(): Promise<void> {
    const client = listener;
    listener = undefined;
    listening = false;
    if (!client) return Promise.resolve();
    client.removeAllListeners();
    client.on('error', () => undefined);
    return client.end().catch(() => undefined);
  }

  function lostConnection(error?: unknown) {
    if (!listener) return;
    void hangUp();
    forgetEverything();
    if (closed) return;
    logger.warn({ err: error }, 'campaign cache: lost its Postgres listener; reading from the database until it is back');
    retry = setTimeout(() => void listen(), reconnectAfterMs);
    retry.unref();
  }

  function listen(): Promise<void> {
    if (closed || listener || connecting) return connecting ?? Promise.resolve();
    retry = undefined;
    // TCP keep-alive: a connection that died without a word would otherwise leave pages stale until it is noticed.
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'smilefund campaign cache', keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    listener = client;
    client.on('notification', (message) => {
      const id = Number(message.payload);
      if (Number.isSafeInteger(id)) campaignChanged(id);
      else forgetEverything();
    });
    client.on('error', (error) => lostConnection(error));
    client.on('end', () => lostConnection());
    connecting = (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${campaignChangedChannel}`);
        if (listener === client) listening = true;
      } catch (error) {
        lostConnection(error);
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  }

  function unchangedSince(start: number, shows: ShownCampaigns): boolean {
    if (lastForgotEverything > start) return false;
    if (shows === 'all') return lastChangeToAny <= start;
    return shows.every((id) => (lastChangeTo.get(id) ?? 0) <= start);
  }

  async function read<T>(key: string, load: () => Promise<Loaded<T>>): Promise<T> {
    if (!listening) {
      // Between attempts (one a second) a reader only reads; it does not dial Postgres again itself.
      if (!retry) void listen();
      return (await load()).value;
    }
    const entry = kept.get(key);
    if (entry && Date.now() - entry.keptAt < keepAtMostMs) return entry.value as T;
    const pending = loading.get(key);
    if (pending) return pending as Promise<T>;

    const start = changes;
    const promise = load().then(({ value, shows }) => {
      // Nothing is kept for a campaign that does not exist: anyone may ask for any address.
      if (value !== undefined && listening && unchangedSince(start, shows)) kept.set(key, { value, shows, keptAt: Date.now() });
      return value;
    });
    loading.set(key, promise);
    const forget = () => {
      if (loading.get(key) === promise) loading.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  return {
    read,
    campaignChanged,
    async heard() {
      await connecting;
      // Postgres sends a listener its pending notices before it answers the listener's next query.
      if (listening && listener) await listener.query('select 1').catch(() => undefined);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await connecting;
      kept.clear();
      await hangUp();
    },
  };
}
