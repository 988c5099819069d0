import { sql, type Kysely } from 'kysely';

// The card-testing brake (server/donations/card-testing.ts): where each gift was started from, and
// every card declined on a Checkout page, so that a run of small declines can stop new attempts.
export async function up(db: Kysely<unknown>): Promise<void> {
  // An HMAC of the address under SESSION_SECRET: comparable, never readable.
  await db.schema.alterTable('donations').addColumn('client_ip_hash', 'text').execute();

  await db.schema
    .createTable('card_declines')
    // The declined charge (the event's id when Stripe made none): a redelivered decline is stored once.
    .addColumn('attempt_id', 'text', (col) => col.primaryKey())
    .addColumn('donation_id', 'uuid', (col) => col.notNull().references('donations.id').onDelete('cascade'))
    .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount >= 0`))
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('small', 'boolean', (col) => col.notNull())
    .addColumn('declined_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // The donate form counts the declines of the last hour on every attempt; old ones are deleted by age.
  await db.schema.createIndex('card_declines_declined_at_idx').on('card_declines').column('declined_at').execute();
  await db.schema.createIndex('card_declines_donation_idx').on('card_declines').column('donation_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('card_declines').execute();
  await db.schema.alterTable('donations').dropColumn('client_ip_hash').execute();
}
