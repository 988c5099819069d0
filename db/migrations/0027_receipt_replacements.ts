import { sql, type Kysely } from 'kysely';

// A receipt certifies an amount. When a refund, a lost dispute or a correction changes what a gift kept,
// its standing receipt is voided (never deleted: its number stays used) and, if something is kept, a
// replacement is numbered for that, citing the receipt it replaces. A gift therefore has a chain of
// receipts, of which at most one stands: the one whose voided_at is null.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('receipts')
    .addColumn('amount', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('given_at', 'timestamptz')
    .addColumn('replaces_receipt_id', 'uuid', (col) => col.unique().references('receipts.id'))
    .addColumn('voided_at', 'timestamptz')
    .addColumn('void_reason', 'text', (col) => col.check(sql`void_reason in ('refund', 'dispute', 'correction', 'reinstated')`))
    .execute();
  await sql`update receipts r set amount = d.amount, currency = d.currency, given_at = r.issued_at from donations d where d.id = r.donation_id`.execute(db);
  // Receipts of gifts refunded or disputed before this change are made to say what they now can: a part
  // refund's receipt certifies what was kept (no replacement number is taken for the past), and a receipt
  // of a gift refunded in full or lost to a dispute is void from the last such movement.
  await sql`
    update receipts r set amount = kept.amount
    from donations d, lateral (select sum(l.amount) as amount from ledger_entries l where l.donation_id = d.id and l.currency = d.currency) kept
    where d.id = r.donation_id and d.status = 'partially_refunded' and kept.amount > 0`.execute(db);
  await sql`
    update receipts r set voided_at = coalesce(last.at, now()), void_reason = case when d.status = 'refunded' then 'refund' else 'dispute' end
    from donations d, lateral (select max(l.occurred_at) as at from ledger_entries l where l.donation_id = d.id and l.kind in ('refund', 'dispute')) last
    where d.id = r.donation_id and d.status in ('refunded', 'disputed')`.execute(db);
  await sql`alter table receipts alter column amount set not null, alter column currency set not null, alter column given_at set not null`.execute(db);
  await sql`alter table receipts add constraint receipts_amount_positive check (amount > 0)`.execute(db);
  await sql`alter table receipts add constraint receipts_void_whole check ((voided_at is null) = (void_reason is null))`.execute(db);
  await sql`alter table receipts drop constraint receipts_donation_id_key`.execute(db);
  await sql`create unique index receipts_first_of_donation on receipts (donation_id) where replaces_receipt_id is null`.execute(db);
  await sql`create unique index receipts_standing_of_donation on receipts (donation_id) where voided_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Fails while a gift has a replacement receipt: the old shape allowed one receipt per gift.
  await sql`drop index receipts_standing_of_donation`.execute(db);
  await sql`drop index receipts_first_of_donation`.execute(db);
  await sql`alter table receipts add constraint receipts_donation_id_key unique (donation_id)`.execute(db);
  await sql`alter table receipts drop constraint receipts_void_whole`.execute(db);
  await db.schema.alterTable('receipts').dropColumn('void_reason').dropColumn('voided_at').dropColumn('replaces_receipt_id').dropColumn('given_at').dropColumn('currency').dropColumn('amount').execute();
}
