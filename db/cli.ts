// Shared start-up for the database commands (`npm run migrate`, `npm run seed`).
import { ConfigError, configOrExit, type Config } from '../server/config';
import { createDb, type Db } from './index';

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
