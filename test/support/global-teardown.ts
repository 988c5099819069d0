import pg from 'pg';
import { adminDatabaseUrl, testDatabasePrefix } from './services';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.SMILEFUND_TEST_RUN;
  if (!runId) return;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname = $1 or starts_with(datname, $2)`,
    [`smilefund_tpl_${runId}`, testDatabasePrefix(runId)],
  );
  for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
  await admin.end();
}
