import { sql, type Kysely } from 'kysely';

const currencyCheck = (column: string) => sql.raw(`${column} ~ '^[A-Z]{3}$'`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('donors')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('email', 'text', (col) => col.notNull().check(sql`length(email) <= 254 and position('@' in email) > 1`))
    .addColumn('name', 'text')
    .addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
    .addColumn('stripe_customer_id', 'text', (col) => col.unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // One donor per email whatever its case: the address is how a donor is known.
  await sql`create unique index donors_email_key on donors (lower(email))`.execute(db);

  await db.schema
    .createTable('recurring_plans')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('donor_id', 'integer', (col) => col.references('donors.id'))
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(currencyCheck('currency')))
    .addColumn('interval', 'text', (col) => col.notNull().check(sql`interval in ('month', 'year')`))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('incomplete').check(sql`status in ('incomplete', 'active', 'past_due', 'paused', 'canceled')`))
    .addColumn('stripe_subscription_id', 'text', (col) => col.unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('canceled_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('recurring_plans_campaign_idx').on('recurring_plans').columns(['campaign_id', 'status']).execute();

  await db.schema
    .createTable('donations')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('donor_id', 'integer', (col) => col.references('donors.id'))
    .addColumn('recurring_plan_id', 'uuid', (col) => col.references('recurring_plans.id'))
    .addColumn('frequency', 'text', (col) => col.notNull().check(sql`frequency in ('once', 'month', 'year')`))
    .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(currencyCheck('currency')))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('pending').check(sql`status in ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'partially_refunded', 'disputed')`),
    )
    .addColumn('origin', 'text', (col) => col.notNull().check(sql`origin in ('checkout', 'subscription', 'stripe')`))
    .addColumn('donor_name', 'text', (col) => col.check(sql`length(donor_name) <= 100`))
    .addColumn('anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('message', 'text', (col) => col.check(sql`length(message) <= 500`))
    .addColumn('dedication_kind', 'text', (col) => col.check(sql`dedication_kind in ('honour', 'memory')`))
    .addColumn('dedication_name', 'text', (col) => col.check(sql`length(dedication_name) <= 100`))
    .addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
    .addColumn('payment_method', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('stripe_checkout_session_id', 'text', (col) => col.unique())
    .addColumn('stripe_payment_intent_id', 'text', (col) => col.unique())
    .addColumn('stripe_charge_id', 'text', (col) => col.unique())
    .addColumn('stripe_invoice_id', 'text', (col) => col.unique())
    .addColumn('succeeded_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('donations_dedication_whole', sql`(dedication_kind is null) = (dedication_name is null)`)
    .execute();
  await db.schema.createIndex('donations_campaign_idx').on('donations').columns(['campaign_id', 'succeeded_at']).execute();
  await db.schema.createIndex('donations_plan_idx').on('donations').column('recurring_plan_id').execute();
  await db.schema.createIndex('donations_donor_idx').on('donations').column('donor_id').execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('donation_id', 'uuid', (col) => col.notNull().references('donations.id'))
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('gift', 'refund', 'refund_reversal', 'dispute', 'dispute_won')`))
    .addColumn('amount', 'bigint', (col) => col.notNull())
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(currencyCheck('currency')))
    .addColumn('settlement_amount', 'bigint', (col) => col.notNull())
    .addColumn('settlement_currency', 'char(3)', (col) => col.notNull().check(currencyCheck('settlement_currency')))
    .addColumn('fee', 'bigint', (col) => col.notNull())
    .addColumn('net', 'bigint', (col) => col.notNull())
    .addColumn('exchange_rate', 'numeric')
    .addColumn('stripe_balance_transaction_id', 'text', (col) => col.unique())
    .addColumn('stripe_object_id', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('ledger_entries_sign', sql`(kind in ('gift', 'refund_reversal', 'dispute_won')) = (amount > 0) and amount <> 0`)
    .addCheckConstraint('ledger_entries_net', sql`net = settlement_amount - fee`)
    .execute();
  await db.schema.createIndex('ledger_entries_campaign_idx').on('ledger_entries').columns(['campaign_id', 'currency', 'settlement_currency']).execute();
  await db.schema.createIndex('ledger_entries_donation_idx').on('ledger_entries').column('donation_id').execute();
  // The ledger is append-only: a mistake is corrected by a new row, never by editing an old one.
  await sql`
    create function ledger_entries_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'ledger_entries is append-only';
    end $$
  `.execute(db);
  await sql`create trigger ledger_entries_append_only before update or delete on ledger_entries for each row execute function ledger_entries_refuse_change()`.execute(db);

  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('stripe_created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index stripe_events_unprocessed_idx on stripe_events (received_at) where processed_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stripe_events').execute();
  await db.schema.dropTable('ledger_entries').execute();
  await sql`drop function ledger_entries_refuse_change()`.execute(db);
  await db.schema.dropTable('donations').execute();
  await db.schema.dropTable('recurring_plans').execute();
  await db.schema.dropTable('donors').execute();
}
