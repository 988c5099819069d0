import { type Kysely } from 'kysely';

// How long the donor waited for a slot in the shared Stripe budget before their Checkout Session opened (#19),
// in milliseconds: 0 when it opened at once, null for gifts not started on our form or begun before this.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donations').addColumn('checkout_waited_ms', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donations').dropColumn('checkout_waited_ms').execute();
}
