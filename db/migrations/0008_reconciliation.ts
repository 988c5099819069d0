import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What the nightly reconciliation found between Stripe's balance transactions and our ledger, one row
  // per (day, kind, balance transaction) however often the day is run, until someone resolves it.
  await db.schema
    .createTable('reconciliation_discrepancies')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('day', 'date', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('missing_in_ledger', 'amount_mismatch', 'unknown_in_stripe')`))
    .addColumn('stripe_balance_transaction_id', 'text', (col) => col.notNull())
    .addColumn('stripe_object_id', 'text')
    .addColumn('reporting_category', 'text')
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('stripe_amount', 'bigint')
    .addColumn('stripe_fee', 'bigint')
    .addColumn('stripe_net', 'bigint')
    .addColumn('ledger_entry_id', 'bigint', (col) => col.references('ledger_entries.id'))
    .addColumn('donation_id', 'uuid', (col) => col.references('donations.id'))
    .addColumn('ledger_amount', 'bigint')
    .addColumn('ledger_fee', 'bigint')
    .addColumn('ledger_net', 'bigint')
    .addColumn('found_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'integer', (col) => col.references('staff_members.id'))
    .addColumn('note', 'text', (col) => col.check(sql`length(note) <= 2000`))
    .addUniqueConstraint('reconciliation_discrepancies_once', ['day', 'kind', 'stripe_balance_transaction_id'])
    .addCheckConstraint('reconciliation_discrepancies_resolved_whole', sql`resolved_by is null or resolved_at is not null`)
    .execute();
  await sql`create index reconciliation_discrepancies_open_idx on reconciliation_discrepancies (day) where resolved_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reconciliation_discrepancies').execute();
}
