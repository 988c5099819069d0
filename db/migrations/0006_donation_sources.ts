import { sql, type Kysely } from 'kysely';

// Where a donor came from: the utm_source of the campaign link they followed, e.g. "newsletter-2026-11".
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('donations')
    .addColumn('utm_source', 'text', (col) => col.check(sql`length(utm_source) between 1 and 64 and utm_source ~ '^[A-Za-z0-9._-]+$'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donations').dropColumn('utm_source').execute();
}
