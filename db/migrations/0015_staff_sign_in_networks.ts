import { sql, type Kysely } from 'kysely';

// Staff sign-in brakes per network (issue #14, item 5): wrong passwords lock an account on the network
// they come from, not everywhere, and a network where the person has signed in before stays open to
// them while guesses from elsewhere are stopped. The account's own counters (failed_sign_ins,
// locked_until) now count guesses from networks it has never signed in from.
const topicsBefore = `'receipt', 'refund_notice', 'payment_failed', 'annual_statement', 'sign_in_link'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff_sign_in_networks')
    .addColumn('staff_id', 'integer', (col) => col.notNull().references('staff_members.id').onDelete('cascade'))
    // The network as the brakes count it (server/http/network.ts), as an HMAC under SESSION_SECRET.
    .addColumn('network', 'text', (col) => col.notNull())
    .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    // Set once the right password was given from here: a network the person is known on.
    .addColumn('signed_in_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('staff_sign_in_networks_pkey', ['staff_id', 'network'])
    .execute();
  // The link a locked-out colleague asks for on the sign-in page goes out through the outbox.
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}, 'staff_password_link'))`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from outbox where topic = 'staff_password_link'`.execute(db);
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}))`).execute(db);
  await db.schema.dropTable('staff_sign_in_networks').execute();
}
