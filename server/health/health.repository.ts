// The one query the health check makes: a round trip to Postgres.
import { sql } from 'kysely';
import type { Db } from '../database';

export async function pingPostgres(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
