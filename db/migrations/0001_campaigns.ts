import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (col) => col.notNull().unique().check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80`))
    .addColumn('title', 'jsonb', (col) => col.notNull())
    .addColumn('summary', 'jsonb', (col) => col.notNull())
    .addColumn('story', 'jsonb', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('draft').check(sql`status in ('draft', 'live', 'closed')`))
    .addColumn('target_amount', 'bigint', (col) => col.notNull().check(sql`target_amount > 0`))
    .addColumn('target_currency', 'char(3)', (col) => col.notNull().check(sql`target_currency ~ '^[A-Z]{3}$'`))
    .addColumn('accepted_currencies', sql`text[]`, (col) => col.notNull().check(sql`cardinality(accepted_currencies) > 0`))
    .addColumn('starts_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ends_at', 'timestamptz')
    .addColumn('cost_unit_amount', 'bigint', (col) => col.check(sql`cost_unit_amount > 0`))
    .addColumn('cost_unit_label', 'jsonb')
    .addColumn('cover_image_url', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('campaigns_ends_after_start', sql`ends_at is null or ends_at > starts_at`)
    .addCheckConstraint('campaigns_cost_unit_whole', sql`(cost_unit_amount is null) = (cost_unit_label is null)`)
    .addCheckConstraint('campaigns_title_given', sql`jsonb_typeof(title) = 'object' and title <> '{}'::jsonb`)
    .execute();

  await db.schema.createIndex('campaigns_status_idx').on('campaigns').column('status').execute();

  await db.schema
    .createTable('campaign_presets')
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount > 0`))
    .addColumn('label', 'jsonb')
    .addColumn('position', 'smallint', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('campaign_presets_pkey', ['campaign_id', 'currency', 'amount'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('campaign_presets').execute();
  await db.schema.dropTable('campaigns').execute();
}
