import { sql, type Kysely } from 'kysely';

// Indexes for finance at a million gifts (bench/finance.ts): each read below scanned the whole ledger.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Stripe's latest recorded rate for a pair of currencies (campaign totals in a target currency).
  await db.schema
    .createIndex('ledger_entries_rate_idx')
    .on('ledger_entries')
    .columns(['currency', 'settlement_currency', 'occurred_at desc', 'id desc'])
    .where(sql.ref('exchange_rate'), 'is not', null)
    .execute();
  // The ledger rows of one day (reconciliation).
  await db.schema.createIndex('ledger_entries_occurred_idx').on('ledger_entries').column('occurred_at').execute();
  // The gifts ledger's order, newest first: the first page without reading every gift.
  await db.schema
    .createIndex('donations_gift_time_idx')
    .on('donations')
    .expression(sql`coalesce(succeeded_at, created_at) desc, id`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('donations_gift_time_idx').execute();
  await db.schema.dropIndex('ledger_entries_occurred_idx').execute();
  await db.schema.dropIndex('ledger_entries_rate_idx').execute();
}
