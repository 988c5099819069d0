import { sql, type Kysely } from 'kysely';

// Donors' messages under staff control (issue #16): staff may hide a message from the campaign page, and a
// campaign may hold every message until staff approve it. The page is kept in memory until Postgres
// says the campaign changed, so hiding or approving tells it too (0011's trigger on campaigns already
// covers hold_messages); only these two columns, so a gift's other updates send no extra notice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('donations')
    .addColumn('message_hidden_at', 'timestamptz')
    .addColumn('message_approved_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('campaigns')
    .addColumn('hold_messages', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`
    create trigger donations_message_notify_change after update of message_hidden_at, message_approved_at on donations
    for each row when (old.message_hidden_at is distinct from new.message_hidden_at or old.message_approved_at is distinct from new.message_approved_at)
    execute function notify_campaign_changed('campaign_id')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger donations_message_notify_change on donations`.execute(db);
  await db.schema.alterTable('campaigns').dropColumn('hold_messages').execute();
  await db.schema.alterTable('donations').dropColumn('message_hidden_at').dropColumn('message_approved_at').execute();
}
