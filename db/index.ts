import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Database } from './schema';

export type Db = Kysely<Database>;

const INT8_OID = 20;
const DATE_OID = 1082;

// Money lives in bigint columns as minor units; every real amount fits in a JS number, and one that
// does not is a bug we want to hear about rather than a silently rounded gift.
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} is beyond the safe integer range`);
  return parsed;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    // A calendar day is not an instant: kept as its YYYY-MM-DD text rather than a Date at local midnight.
    if (oid === DATE_OID && format !== 'binary') return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface DbOptions {
  /** Largest number of pooled connections. */
  max?: number;
  /** Told when an idle pooled connection fails. */
  onIdleError?: (error: Error) => void;
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    types,
  });
  // An idle connection dropped by the server (a restart, a failover) is an 'error' on the pool; pg has
  // already discarded that client and the next query opens a new one, so it must not crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  // A client checked out but between queries (a transaction waiting on SMTP) has no listener of pg-pool's,
  // so a dropped connection would be an unhandled 'error' that ends the process. The query that runs on it
  // fails anyway and the pool discards it on release; nothing more to do here.
  pool.on('connect', (client) => client.on('error', () => undefined));
  // The cursor lets `.stream()` read a large result (a CSV export) a few rows at a time.
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}
