import { sql, type Kysely } from 'kysely';

// Consent to news by email, as Hong Kong's PDPO expects of direct marketing (issue #17): impact updates go
// only to donors who said yes, each yes and no kept as its own row, with the sentence they were shown,
// its language, where they said it and when. Nothing is updated or deleted: the latest row per donor and
// purpose is the donor's current choice, and the rows before it are the history a complaint asks for.
//
// Existing donors: until now impact updates went to every donor unless they opted out (donors.impact_opt_out_at).
// Nobody was ever asked: the donate form had no such box and the account page's box came ticked. A box
// left ticked is no express consent, so no existing donor is taken to have agreed: all of them stop
// getting impact updates until they tick the box on a gift or in their account. Those who opted out keep
// that choice as a withdrawal (source 'earlier_opt_out', at the time they opted out, without wording:
// we do not know which page they used). The opt-out column is then dropped: the consent rows say it all.
//
// A gift started on the form carries the donor's yes (the sentence they ticked and when) until it is paid;
// the transaction that records the payment turns it into a consent row, once per gift. Unpaid, it stays
// on the abandoned donation and means nothing.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('donor_consents')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('donor_id', 'integer', (col) => col.notNull().references('donors.id'))
    // Only news of what gifts achieve (impact updates) so far; a purpose is asked for, and withdrawn, on its own.
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ('updates')`))
    .addColumn('granted', 'boolean', (col) => col.notNull())
    .addColumn('wording', 'text', (col) => col.check(sql`length(wording) between 1 and 1000`))
    .addColumn('locale', 'text', (col) => col.check(sql`locale in ('en', 'zh-CN', 'zh-HK')`))
    .addColumn('source', 'text', (col) => col.notNull().check(sql`source in ('donate_form', 'account', 'email_link', 'one_click', 'earlier_opt_out')`))
    .addColumn('donation_id', 'uuid', (col) => col.references('donations.id'))
    // When the donor made the choice (the form sent, the box saved, the link followed), by the application's clock.
    .addColumn('chosen_at', 'timestamptz', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Only a mail program's one-click request and the opt-outs from before showed no sentence of ours.
    .addCheckConstraint('donor_consents_wording', sql`wording is not null or source in ('one_click', 'earlier_opt_out')`)
    .addCheckConstraint('donor_consents_gift', sql`(source = 'donate_form') = (donation_id is not null)`)
    .execute();
  await sql`create index donor_consents_current_idx on donor_consents (donor_id, purpose, chosen_at desc, id desc)`.execute(db);
  // A paid gift records its donor's yes once, however many events about its payment arrive.
  await sql`create unique index donor_consents_once_per_gift on donor_consents (donation_id) where donation_id is not null`.execute(db);
  await sql`
    create function donor_consents_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'donor_consents is append-only: record the new choice as a new row';
    end $$
  `.execute(db);
  await sql`create trigger donor_consents_append_only before update or delete on donor_consents for each row execute function donor_consents_refuse_change()`.execute(db);

  await sql`
    insert into donor_consents (donor_id, purpose, granted, source, chosen_at)
    select id, 'updates', false, 'earlier_opt_out', impact_opt_out_at from donors where impact_opt_out_at is not null`.execute(db);
  await db.schema.alterTable('donors').dropColumn('impact_opt_out_at').execute();

  await db.schema
    .alterTable('donations')
    .addColumn('updates_consent_wording', 'text', (col) => col.check(sql`length(updates_consent_wording) between 1 and 1000`))
    .addColumn('updates_consent_chosen_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('donations').addCheckConstraint('donations_updates_consent', sql`(updates_consent_wording is null) = (updates_consent_chosen_at is null)`).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donations').dropConstraint('donations_updates_consent').execute();
  await db.schema.alterTable('donations').dropColumn('updates_consent_wording').dropColumn('updates_consent_chosen_at').execute();
  await db.schema.alterTable('donors').addColumn('impact_opt_out_at', 'timestamptz').execute();
  // Back to opting out: whoever's latest choice is a no is opted out from then; everyone else gets updates again.
  await sql`
    update donors set impact_opt_out_at = latest.chosen_at
    from (select distinct on (donor_id) donor_id, granted, chosen_at from donor_consents where purpose = 'updates' order by donor_id, chosen_at desc, id desc) as latest
    where latest.donor_id = donors.id and not latest.granted`.execute(db);
  await db.schema.dropTable('donor_consents').execute();
  await sql`drop function donor_consents_refuse_change()`.execute(db);
}
