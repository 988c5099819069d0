import { sql, type Kysely } from 'kysely';

// A donor may ask to be forgotten (#18), while the law keeps the financial records seven years. The donor's
// row stays, so that their gifts, plans, report shares and the campaigns' giver counts keep pointing at one
// giver, but it becomes a pseudonym: erased_at says when, the address becomes an unreachable one of the
// .invalid domain (RFC 2606) and nothing links it to a Stripe customer any more (server/donors/data-rights/erasure.ts).
//
// Two append-only guards learn one exception each. A consent row may be deleted once its donor is erased:
// the yes or no with its wording is about a person who is no longer known. An audit entry may have what it
// quoted of the donor (a name, an address, a message) blanked, inside the erasure's own transaction, which
// says so with the transaction-local setting smilefund.erasing_donor; who did what, to what, and when, stay.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donors').addColumn('erased_at', 'timestamptz').execute();
  await sql`alter table donors add constraint donors_erased_unlinked check (erased_at is null or (email like 'erased-%@erased.invalid' and stripe_customer_id is null))`.execute(db);

  await sql`
    create or replace function donor_consents_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and exists (select 1 from donors where donors.id = old.donor_id and donors.erased_at is not null) then
        return old;
      end if;
      raise exception 'donor_consents is append-only: record the new choice as a new row';
    end $$
  `.execute(db);

  await sql`
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and coalesce(current_setting('smilefund.erasing_donor', true), '') <> ''
        and new.id = old.id and new.staff_id is not distinct from old.staff_id and new.action = old.action
        and new.subject_type = old.subject_type and new.subject_id = old.subject_id and new.at = old.at then
        return new;
      end if;
      raise exception '% is append-only', tg_table_name;
    end $$
  `.execute(db);
  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on audit_log for each row execute function audit_log_refuse_change()`.execute(db);
}

// Erased donors stay erased: what was blanked is not put back.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on audit_log for each row execute function refuse_change_to_append_only()`.execute(db);
  await sql`drop function audit_log_refuse_change()`.execute(db);
  await sql`
    create or replace function donor_consents_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'donor_consents is append-only: record the new choice as a new row';
    end $$
  `.execute(db);
  await sql`alter table donors drop constraint donors_erased_unlinked`.execute(db);
  await db.schema.alterTable('donors').dropColumn('erased_at').execute();
}
