import { sql, type Kysely } from 'kysely';

// What each round of a mission spent and achieved (issue #17): the spending finance records, the outcomes
// campaign managers record, and the transfers that carry a round's balance to another round. All three are
// append-only, as the ledger is: a mistake is taken back by a row of the opposite sign that names the row it
// reverses (once, in the same round and currency), and a trigger refuses every update and delete.
const spendingCategories = sql.raw(`('surgeries', 'hospital_stays', 'travel', 'medicine', 'training', 'other')`);
const outcomeKinds = sql.raw(`('cleft_lip_repair', 'cleft_palate_repair', 'other_operation', 'speech_therapy_session')`);
const attachmentTypes = sql.raw(`('application/pdf', 'image/jpeg', 'image/png')`);
/** The largest receipt scan kept: 5 MiB (server/finance/rounds/spending.ts says the same to the person uploading). */
const attachmentBytes = 5 * 1024 * 1024;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('round_spending')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('category', 'text', (col) => col.notNull().check(sql`category in ${spendingCategories}`))
    .addColumn('amount', 'bigint', (col) => col.notNull())
    .addColumn('currency', 'text', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('spent_on', 'date', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull().check(sql`length(note) between 1 and 500`))
    .addColumn('reverses_id', 'bigint')
    .addColumn('recorded_by', 'integer', (col) => col.notNull().references('staff_members.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Money spent is above zero; a reversal is below it and names what it takes back.
    .addCheckConstraint('round_spending_sign', sql`(reverses_id is null and amount > 0) or (reverses_id is not null and amount < 0)`)
    // A reversal stays in the round, category and currency of the row it reverses.
    .addUniqueConstraint('round_spending_line', ['id', 'campaign_id', 'category', 'currency'])
    .addForeignKeyConstraint('round_spending_reverses', ['reverses_id', 'campaign_id', 'category', 'currency'], 'round_spending', ['id', 'campaign_id', 'category', 'currency'])
    .execute();
  await sql`create unique index round_spending_reversed_once on round_spending (reverses_id) where reverses_id is not null`.execute(db);
  await db.schema.createIndex('round_spending_campaign_idx').on('round_spending').columns(['campaign_id', 'id']).execute();

  // The receipt scan of a spending row, apart so that reading the statement never reads the bytes.
  await db.schema
    .createTable('round_spending_attachments')
    .addColumn('spending_id', 'bigint', (col) => col.primaryKey().references('round_spending.id'))
    .addColumn('filename', 'text', (col) => col.notNull().check(sql`length(filename) between 1 and 200`))
    .addColumn('content_type', 'text', (col) => col.notNull().check(sql`content_type in ${attachmentTypes}`))
    .addColumn('content', 'bytea', (col) => col.notNull().check(sql`octet_length(content) between 1 and ${sql.lit(attachmentBytes)}`))
    .execute();

  await db.schema
    .createTable('round_outcomes')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ${outcomeKinds}`))
    // What an 'other_operation' was, as the campaign manager wrote it; no other kind has one.
    .addColumn('label', 'text', (col) => col.check(sql`length(label) between 1 and 100`))
    .addColumn('count', 'integer', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull().defaultTo('').check(sql`length(note) <= 500`))
    .addColumn('reverses_id', 'bigint')
    .addColumn('recorded_by', 'integer', (col) => col.notNull().references('staff_members.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('round_outcomes_label', sql`(kind = 'other_operation') = (label is not null)`)
    .addCheckConstraint('round_outcomes_sign', sql`(reverses_id is null and count > 0) or (reverses_id is not null and count < 0)`)
    .addUniqueConstraint('round_outcomes_line', ['id', 'campaign_id', 'kind'])
    .addForeignKeyConstraint('round_outcomes_reverses', ['reverses_id', 'campaign_id', 'kind'], 'round_outcomes', ['id', 'campaign_id', 'kind'])
    .execute();
  await sql`create unique index round_outcomes_reversed_once on round_outcomes (reverses_id) where reverses_id is not null`.execute(db);
  await db.schema.createIndex('round_outcomes_campaign_idx').on('round_outcomes').columns(['campaign_id', 'id']).execute();

  await db.schema
    .createTable('fund_transfers')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('from_campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('to_campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('amount', 'bigint', (col) => col.notNull())
    .addColumn('currency', 'text', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('note', 'text', (col) => col.notNull().check(sql`length(note) between 1 and 500`))
    .addColumn('reverses_id', 'bigint')
    .addColumn('recorded_by', 'integer', (col) => col.notNull().references('staff_members.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('fund_transfers_elsewhere', sql`from_campaign_id <> to_campaign_id`)
    // A reversal keeps the transfer's direction with the amount negated: it takes the money back.
    .addCheckConstraint('fund_transfers_sign', sql`(reverses_id is null and amount > 0) or (reverses_id is not null and amount < 0)`)
    .addUniqueConstraint('fund_transfers_line', ['id', 'from_campaign_id', 'to_campaign_id', 'currency'])
    .addForeignKeyConstraint('fund_transfers_reverses', ['reverses_id', 'from_campaign_id', 'to_campaign_id', 'currency'], 'fund_transfers', ['id', 'from_campaign_id', 'to_campaign_id', 'currency'])
    .execute();
  await sql`create unique index fund_transfers_reversed_once on fund_transfers (reverses_id) where reverses_id is not null`.execute(db);
  await db.schema.createIndex('fund_transfers_from_idx').on('fund_transfers').columns(['from_campaign_id', 'id']).execute();
  await db.schema.createIndex('fund_transfers_to_idx').on('fund_transfers').columns(['to_campaign_id', 'id']).execute();

  // The audit log's guard (migration 0005) guards these too.
  for (const table of ['round_spending', 'round_spending_attachments', 'round_outcomes', 'fund_transfers']) {
    await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function refuse_change_to_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('fund_transfers').execute();
  await db.schema.dropTable('round_outcomes').execute();
  await db.schema.dropTable('round_spending_attachments').execute();
  await db.schema.dropTable('round_spending').execute();
}
