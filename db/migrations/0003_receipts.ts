import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per year; its row lock, held to the end of the gift's transaction, makes numbers gapless.
  await db.schema
    .createTable('receipt_counters')
    .addColumn('year', 'integer', (col) => col.primaryKey())
    .addColumn('last_sequence', 'integer', (col) => col.notNull().check(sql`last_sequence > 0`))
    .execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('donation_id', 'uuid', (col) => col.notNull().unique().references('donations.id'))
    .addColumn('year', 'integer', (col) => col.notNull())
    .addColumn('sequence', 'integer', (col) => col.notNull().check(sql`sequence > 0`))
    .addColumn('number', 'text', (col) => col.notNull().unique())
    .addColumn('issued_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('receipts_year_sequence_key', ['year', 'sequence'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('topic', 'text', (col) => col.notNull().check(sql`topic in ('receipt', 'refund_notice', 'payment_failed', 'annual_statement')`))
    .addColumn('dedupe_key', 'text', (col) => col.notNull().unique().check(sql`dedupe_key ~ '^[A-Za-z0-9_-]{1,200}$'`))
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('queued_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index outbox_unqueued_idx on outbox (id) where queued_at is null`.execute(db);
  await sql`create index outbox_unsent_idx on outbox (queued_at) where sent_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
  await db.schema.dropTable('receipts').execute();
  await db.schema.dropTable('receipt_counters').execute();
}
