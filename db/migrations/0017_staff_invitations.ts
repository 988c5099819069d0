import { sql, type Kysely } from 'kysely';

// Team invitations by email (issue #16): inviting a colleague owes them an email with the link to choose a
// password, through the outbox like every other email.
const topicsBefore = `'receipt', 'refund_notice', 'payment_failed', 'annual_statement', 'sign_in_link', 'staff_password_link'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}, 'staff_invitation'))`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from outbox where topic = 'staff_invitation'`.execute(db);
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}))`).execute(db);
}
