// The database commands: `npm run migrate` runs this file; `npm run seed` (dev/seed.ts) shares its start-up.
import { ConfigError, configOrExit, type Config } from './config';
import { migrateToLatest } from '../db/migrate';
import { createDb, type Db } from './database';

export async function runDatabaseCommand(command: (db: Db, config: Config) => Promise<string>): Promise<void> {
  const config = configOrExit((c) => {
    if (!c.databaseUrl) throw new ConfigError(['DATABASE_URL: required by this command (it is not set); `npm start` migrates and seeds its embedded database by itself']);
    return c;
  });
  const db = createDb(config.databaseUrl!, { max: 2 });
  try {
    console.log(await command(db, config));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  void runDatabaseCommand(async (db) => {
    const { applied } = await migrateToLatest(db);
    return applied.length === 0 ? 'migrations: already up to date' : `migrations: applied ${applied.join(', ')}`;
  });
}
