// Offline gifts (cheque, bank transfer, cash) in the same append-only ledger as Stripe's money, with
// corrections as new rows; organisations as donors; and the refund requests finance sends to Stripe.
import { sql, type Kysely } from 'kysely';

const donorTypes = sql.raw(`('person', 'enterprise', 'chamber_of_commerce', 'charity_federation')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('donors')
    .addColumn('donor_type', 'text', (col) => col.notNull().defaultTo('person').check(sql`donor_type in ${donorTypes}`))
    .execute();

  await sql`alter table donations drop constraint donations_origin_check`.execute(db);
  await sql`alter table donations add constraint donations_origin_check check (origin in ('checkout', 'subscription', 'stripe', 'offline'))`.execute(db);
  await db.schema
    .alterTable('donations')
    .addColumn('donor_type', 'text', (col) => col.notNull().defaultTo('person').check(sql`donor_type in ${donorTypes}`))
    .execute();

  await sql`alter table ledger_entries drop constraint ledger_entries_kind_check`.execute(db);
  await sql`alter table ledger_entries add constraint ledger_entries_kind_check check (kind in ('gift', 'refund', 'refund_reversal', 'dispute', 'dispute_won', 'reversal'))`.execute(db);
  await sql`alter table ledger_entries alter column stripe_object_id drop not null`.execute(db);
  await db.schema
    .alterTable('ledger_entries')
    .addColumn('source', 'text', (col) => col.notNull().defaultTo('stripe').check(sql`source in ('stripe', 'offline')`))
    .addColumn('method', 'text', (col) => col.check(sql`method in ('cheque', 'bank_transfer', 'cash')`))
    .addColumn('reference', 'text', (col) => col.check(sql`length(reference) <= 100`))
    .addColumn('recorded_by', 'integer', (col) => col.references('staff_members.id'))
    .addColumn('corrects_entry_id', 'bigint', (col) => col.references('ledger_entries.id'))
    .execute();
  // A Stripe row names its Stripe object; an offline row names who recorded it and how the money came,
  // and its settlement is the gift itself: same currency, no fee, no rate.
  await sql`
    alter table ledger_entries add constraint ledger_entries_source_whole check (
      (source = 'stripe' and stripe_object_id is not null and method is null and recorded_by is null)
      or (source = 'offline' and stripe_object_id is null and stripe_balance_transaction_id is null and method is not null and recorded_by is not null
          and settlement_currency = currency and settlement_amount = amount and fee = 0 and exchange_rate is null)
    )`.execute(db);
  await sql`alter table ledger_entries add constraint ledger_entries_reversal_names_entry check (kind <> 'reversal' or (corrects_entry_id is not null and source = 'offline'))`.execute(db);
  // A row is reversed at most once, so two corrections submitted together cannot both take it back.
  await sql`create unique index ledger_entries_reversed_once on ledger_entries (corrects_entry_id) where kind = 'reversal'`.execute(db);

  await db.schema
    .createTable('refund_requests')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('donation_id', 'uuid', (col) => col.notNull().references('donations.id'))
    .addColumn('attempt', 'integer', (col) => col.notNull().check(sql`attempt > 0`))
    .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull().check(sql`length(reason) between 1 and 500`))
    .addColumn('requested_by', 'integer', (col) => col.notNull().references('staff_members.id'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('requested').check(sql`status in ('requested', 'accepted', 'refused')`))
    .addColumn('stripe_refund_id', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('refund_requests_attempt_key', ['donation_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refund_requests').execute();
  await sql`drop index ledger_entries_reversed_once`.execute(db);
  await sql`alter table ledger_entries drop constraint ledger_entries_reversal_names_entry`.execute(db);
  await sql`alter table ledger_entries drop constraint ledger_entries_source_whole`.execute(db);
  await db.schema
    .alterTable('ledger_entries')
    .dropColumn('corrects_entry_id')
    .dropColumn('recorded_by')
    .dropColumn('reference')
    .dropColumn('method')
    .dropColumn('source')
    .execute();
  // Fails while offline rows exist: the ledger is append-only, so they cannot be rolled away.
  await sql`alter table ledger_entries alter column stripe_object_id set not null`.execute(db);
  await sql`alter table ledger_entries drop constraint ledger_entries_kind_check`.execute(db);
  await sql`alter table ledger_entries add constraint ledger_entries_kind_check check (kind in ('gift', 'refund', 'refund_reversal', 'dispute', 'dispute_won'))`.execute(db);
  await db.schema.alterTable('donations').dropColumn('donor_type').execute();
  await sql`alter table donations drop constraint donations_origin_check`.execute(db);
  await sql`alter table donations add constraint donations_origin_check check (origin in ('checkout', 'subscription', 'stripe'))`.execute(db);
  await db.schema.alterTable('donors').dropColumn('donor_type').execute();
}
