import pg from 'pg';
import { createDb } from '../../server/database';
import { migrateToLatest } from '../../db/migrate';
import { adminDatabaseUrl, databaseUrl } from './services';

export default async function globalSetup(): Promise<void> {
  const runId = String(process.pid);
  const template = `smilefund_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`The tests need PostgreSQL at ${adminDatabaseUrl} (set TEST_DATABASE_URL to use another): ${(error as Error).message}`);
  }
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  await admin.end();

  const db = createDb(databaseUrl(template), { max: 1 });
  await migrateToLatest(db);
  await db.destroy();

  process.env.SMILEFUND_TEST_RUN = runId;
  process.env.SMILEFUND_TEST_TEMPLATE = template;
}
