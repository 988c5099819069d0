import { sql, type Kysely } from 'kysely';

// Applying a Stripe event reads Stripe first and writes afterwards in a short transaction (#19), so two
// events about one payment may read in one order and commit in the other. Each read phase takes a number
// from stripe_reads before its first call to Stripe; a donation or plan remembers the number of the reads
// it was last written from, and a transaction holding older reads than that reads again rather than put
// back what Stripe said before (server/donations/sync/stripe-reads.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence stripe_reads`.execute(db);
  await db.schema.alterTable('donations').addColumn('stripe_read', 'bigint').execute();
  await db.schema.alterTable('recurring_plans').addColumn('stripe_read', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recurring_plans').dropColumn('stripe_read').execute();
  await db.schema.alterTable('donations').dropColumn('stripe_read').execute();
  await sql`drop sequence stripe_reads`.execute(db);
}
