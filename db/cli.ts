// Shared start-up for the database commands (`npm run migrate`, `npm run seed`).
import { ConfigError, configOrExit } from '../server/config';
import { createDb, type Db } from './index';

export async function runDatabaseCommand(command: (db: Db) => Promise<string>): Promise<void> {
  const databaseUrl = configOrExit(({ databaseUrl }) => {
    if (!databaseUrl) throw new ConfigError(['DATABASE_URL: required by this command (it is not set); `npm start` migrates and seeds its embedded database by itself']);
    return databaseUrl;
  });
  const db = createDb(databaseUrl, { max: 2 });
  try {
    console.log(await command(db));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
