import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('impact_updates')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('title', 'text', (col) => col.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('body_markdown', 'text', (col) => col.notNull().check(sql`length(body_markdown) <= 50000`))
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('figures', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`).check(sql`jsonb_typeof(figures) = 'array'`))
    .addColumn('photos', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`).check(sql`jsonb_typeof(photos) = 'array'`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('total_recipients', 'integer', (col) => col.check(sql`total_recipients >= 0`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('impact_updates_campaign_idx').on('impact_updates').columns(['campaign_id', 'created_at']).execute();
  await sql`create index impact_updates_incomplete_idx on impact_updates (created_at) where completed_at is null`.execute(db);

  await db.schema
    .createTable('impact_deliveries')
    .addColumn('update_id', 'integer', (col) => col.notNull().references('impact_updates.id').onDelete('cascade'))
    .addColumn('donor_id', 'integer', (col) => col.notNull().references('donors.id'))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('skipped_at', 'timestamptz')
    .addPrimaryKeyConstraint('impact_deliveries_pkey', ['update_id', 'donor_id'])
    .addCheckConstraint('impact_deliveries_one_outcome', sql`sent_at is null or skipped_at is null`)
    .execute();
  // What is left to send of an update: small once it is done, and what "is it complete?" reads.
  await sql`create index impact_deliveries_pending_idx on impact_deliveries (update_id) where sent_at is null and skipped_at is null`.execute(db);

  await db.schema.alterTable('donors').addColumn('impact_opt_out_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donors').dropColumn('impact_opt_out_at').execute();
  await db.schema.dropTable('impact_deliveries').execute();
  await db.schema.dropTable('impact_updates').execute();
}
