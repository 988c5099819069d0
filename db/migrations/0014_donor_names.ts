import { sql, type Kysely } from 'kysely';

// A donor's name comes from their paid gifts only (issue #14, item 4): anyone can type anyone's address
// into the donate form, and a gift started and abandoned used to leave its name on the donor for good.
// name_given_at is when the paid gift that gave the name in use was paid, so that webhooks applied out
// of order never let an older gift's name replace a newer one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donors').addColumn('name_given_at', 'timestamptz').execute();
  // Every donor who paid takes the name of their latest paid gift that named one (a renewal repeats its
  // plan's first gift and names nobody anew).
  await sql`
    update donors set name = latest.donor_name, name_given_at = latest.succeeded_at
    from (
      select distinct on (donor_id) donor_id, donor_name, succeeded_at
      from donations
      where donor_id is not null and succeeded_at is not null and donor_name is not null and origin <> 'subscription'
      order by donor_id, succeeded_at desc, created_at desc
    ) as latest
    where donors.id = latest.donor_id`.execute(db);
  // A donor who never paid only has the name somebody typed when starting a gift: it may not be theirs.
  await sql`
    update donors set name = null
    where name is not null and not exists (select 1 from donations where donations.donor_id = donors.id and donations.succeeded_at is not null)`.execute(db);
}

// The names cleared or replaced above are not put back.
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('donors').dropColumn('name_given_at').execute();
}
