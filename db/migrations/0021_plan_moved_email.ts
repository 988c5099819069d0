import { sql, type Kysely } from 'kysely';

// Recurring gifts follow the mission (issue #17): a donor whose monthly or yearly gift moved off a closed
// round is told, through the outbox like every other email.
const topicsBefore = `'receipt', 'refund_notice', 'payment_failed', 'annual_statement', 'sign_in_link', 'staff_password_link', 'staff_invitation'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}, 'plan_moved'))`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from outbox where topic = 'plan_moved'`.execute(db);
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}))`).execute(db);
}
