import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../server/database';
import { adminDatabaseUrl, databaseUrl, templateDatabase, testDatabasePrefix } from './services';
import { waitUntil } from './wait';

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of this file's own: cloned from the migrated template, or empty with `{ empty: true }`. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `${testDatabasePrefix(process.env.SMILEFUND_TEST_RUN ?? 'x')}${randomBytes(4).toString('hex')}`;
  // Cloning needs the template to have no other session, and files start at once: try again until it is free.
  await admin(async (client) => {
    let busy = '';
    await waitUntil(
      'the template database to be free to clone',
      () =>
        client.query(options.empty ? `create database ${name}` : `create database ${name} template ${templateDatabase()}`).then(
          () => true,
          (error: Error) => {
            if (!/being accessed by other users/.test(error.message)) throw error;
            busy = error.message;
            return false;
          },
        ),
      { pollMs: 100, describe: () => busy },
    );
  });
  const url = databaseUrl(name);
  const db = createDb(url, { max: 5 });
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy();
      await admin(async (client) => {
        // A pool's end() resolves before its connections have closed; forcing the drop at once answers a
        // closing connection with a FATAL error that its pool re-emits unhandled. Let them leave first.
        for (let attempt = 0; attempt < 50; attempt++) {
          const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}
