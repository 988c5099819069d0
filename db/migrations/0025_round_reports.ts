import { sql, type Kysely } from 'kysely';

// A round's report to its donors (issue #17): when the campaign manager publishes it, what the round raised
// in its mission's currency and what it achieved are frozen, and so is each giver's share of that money, so
// the page, the account and the email always tell the same figures. Both tables are append-only.
const topicsBefore = `'receipt', 'refund_notice', 'payment_failed', 'annual_statement', 'sign_in_link', 'staff_password_link', 'staff_invitation', 'plan_moved'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('round_reports')
    .addColumn('campaign_id', 'integer', (col) => col.primaryKey().references('campaigns.id'))
    // The mission's currency, in which `income` and every share's `counted` are.
    .addColumn('currency', 'text', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('income', 'bigint', (col) => col.notNull().check(sql`income > 0`))
    .addColumn('givers', 'integer', (col) => col.notNull().check(sql`givers > 0`))
    .addColumn('children_operated', 'integer', (col) => col.notNull().check(sql`children_operated >= 0`))
    .addColumn('speech_therapy_sessions', 'integer', (col) => col.notNull().check(sql`speech_therapy_sessions >= 0`))
    // [{ kind, label, count }] as roundOutcomes gave them at publication.
    .addColumn('procedures', 'jsonb', (col) => col.notNull())
    .addColumn('published_by', 'integer', (col) => col.notNull().references('staff_members.id'))
    .addColumn('published_at', 'timestamptz', (col) => col.notNull())
    .execute();

  // One row per giver and currency they gave in: `given` net of refunds and disputes in that currency,
  // `counted` its part of the report's income in the report's currency. `who` is as in campaign_givers: the
  // donor's id, or the donation's id for a gift given without an email (then also in donation_id, to join on).
  await db.schema
    .createTable('round_report_shares')
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('round_reports.campaign_id'))
    .addColumn('who', 'text', (col) => col.notNull())
    .addColumn('donor_id', 'integer', (col) => col.references('donors.id'))
    .addColumn('donation_id', 'uuid', (col) => col.references('donations.id'))
    .addColumn('currency', 'text', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('given', 'bigint', (col) => col.notNull())
    .addColumn('counted', 'bigint', (col) => col.notNull())
    .addColumn('first_given_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('round_report_shares_pkey', ['campaign_id', 'who', 'currency'])
    .addCheckConstraint(
      'round_report_shares_who',
      sql`(donor_id is not null and donation_id is null and who = donor_id::text) or (donor_id is null and donation_id is not null and who = donation_id::text)`,
    )
    .execute();
  await db.schema.createIndex('round_report_shares_donor_idx').on('round_report_shares').columns(['donor_id', 'campaign_id']).where(sql.ref('donor_id'), 'is not', null).execute();

  for (const table of ['round_reports', 'round_report_shares']) {
    await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function refuse_change_to_append_only()`.execute(db);
  }

  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}, 'round_report'))`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from outbox where topic = 'round_report'`.execute(db);
  await sql`alter table outbox drop constraint outbox_topic_check`.execute(db);
  await sql.raw(`alter table outbox add constraint outbox_topic_check check (topic in (${topicsBefore}))`).execute(db);
  await db.schema.dropTable('round_report_shares').execute();
  await db.schema.dropTable('round_reports').execute();
}
