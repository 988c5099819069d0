// Runs the numbered migrations in db/migrations with Kysely's Migrator (`npm run migrate`: server/database.cli.ts).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

const migrationsDir = path.join(__dirname, 'migrations');

// Kysely's FileMigrationProvider loads files with import(), which Jest's module system cannot follow;
// require() works under tsx, Jest and compiled code alike.
const migrationFiles: MigrationProvider = {
  async getMigrations() {
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(migrationsDir).sort()) {
      const match = /^(\d{4}_[\w-]+)\.(ts|js)$/.exec(file);
      if (!match?.[1]) continue;
      migrations[match[1]] = require(path.join(migrationsDir, file)) as Migration;
    }
    return migrations;
  },
};

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationOutcome> {
  return outcomeOf(await new Migrator({ db, provider: migrationFiles }).migrateToLatest());
}

/** Undoes the newest migration; for development and for proving each `down` works. */
export async function migrateDown(db: Kysely<any>): Promise<MigrationOutcome> {
  return outcomeOf(await new Migrator({ db, provider: migrationFiles }).migrateDown());
}

function outcomeOf({ error, results = [] }: MigrationResultSet): MigrationOutcome {
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
