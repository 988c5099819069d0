import { sql, type Kysely } from 'kysely';

// Missions and their rounds (issue #17). A mission (Happy Smile) goes out in rounds, each a campaign; when a
// round closes, its monthly and yearly gifts move to the mission's next open round (or the general fund),
// and each move is kept. A payment that arrives for a closed round is credited where its gift now points,
// and the donation keeps where it was meant to go.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('missions')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (col) => col.notNull().unique().check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80`))
    .addColumn('title', 'jsonb', (col) => col.notNull().check(sql`jsonb_typeof(title) = 'object' and title <> '{}'::jsonb`))
    .addColumn('summary', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    // The currency the mission reports in: every round's money brought into it at the rates Stripe recorded.
    .addColumn('currency', 'text', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable('campaigns').addColumn('mission_id', 'integer', (col) => col.references('missions.id')).execute();
  await db.schema.createIndex('campaigns_mission_idx').on('campaigns').columns(['mission_id', 'starts_at']).execute();

  await db.schema
    .createTable('recurring_plan_moves')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('plan_id', 'uuid', (col) => col.notNull().references('recurring_plans.id'))
    .addColumn('from_campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('to_campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('moved_at', 'timestamptz', (col) => col.notNull())
    .addCheckConstraint('recurring_plan_moves_elsewhere', sql`from_campaign_id <> to_campaign_id`)
    .execute();
  // A plan leaves a closed round once, however many runs or payments notice it.
  await db.schema.createIndex('recurring_plan_moves_once').on('recurring_plan_moves').columns(['plan_id', 'from_campaign_id']).unique().execute();

  await db.schema.alterTable('donations').addColumn('intended_campaign_id', 'integer', (col) => col.references('campaigns.id')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donations').dropColumn('intended_campaign_id').execute();
  await db.schema.dropTable('recurring_plan_moves').execute();
  await db.schema.alterTable('campaigns').dropColumn('mission_id').execute();
  await db.schema.dropTable('missions').execute();
}
