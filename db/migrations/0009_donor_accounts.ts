import { sql, type Kysely } from 'kysely';

const topicsBefore = `'receipt', 'refund_notice', 'payment_failed', 'annual_statement'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // A sign-in link is known by the SHA-256 of its token, so a leaked table hands out no links.
  await db.schema
    .createTable('donor_sign_in_links')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('donor_id', 'integer', (col) => col.notNull().references('donors.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('donor_sign_in_links_donor_idx').on('donor_sign_in_links').column('donor_id').execute();

  await db.schema
    .createTable('donor_sessions')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('donor_id', 'integer', (col) => col.notNull().references('donors.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('donor_sessions_donor_idx').on('donor_sessions').column('donor_id').execute();

  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}, 'sign_in_link'))`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from outbox where topic = 'sign_in_link'`.execute(db);
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}))`).execute(db);
  await db.schema.dropTable('donor_sessions').execute();
  await db.schema.dropTable('donor_sign_in_links').execute();
}
