import { sql, type Kysely } from 'kysely';

// A mainland partner's receipt (公益事业捐赠票据) recorded against a gift (#18): only a qualified mainland
// body may issue one, so the charity keeps the partner's number and scan and shows them to the donor.
// Append-only, like the ledger: a receipt is replaced by a row naming the one it replaces, of the same gift,
// once. A gift's rows therefore form one chain, and the current receipt is the one nothing replaces.
const fileTypes = sql.raw(`('application/pdf', 'image/jpeg', 'image/png')`);
/** The largest scan kept: 5 MiB, as for a round's receipt scans (server/finance/rounds/spending.ts). */
const fileBytes = 5 * 1024 * 1024;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partner_receipts')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('donation_id', 'uuid', (col) => col.notNull().references('donations.id'))
    .addColumn('replaces_id', 'bigint')
    .addColumn('partner_name', 'text', (col) => col.notNull().check(sql`char_length(partner_name) between 1 and 200 and partner_name !~ '[[:cntrl:]]'`))
    // As printed on the receipt: one line of 1 to 64 characters, no control characters, no spaces at its ends.
    .addColumn('receipt_number', 'text', (col) => col.notNull().check(sql`char_length(receipt_number) between 1 and 64 and receipt_number !~ '[[:cntrl:]]' and receipt_number = btrim(receipt_number)`))
    .addColumn('issued_on', 'date', (col) => col.check(sql`issued_on >= date '2000-01-01'`))
    .addColumn('filename', 'text', (col) => col.notNull().check(sql`char_length(filename) between 1 and 200`))
    .addColumn('content_type', 'text', (col) => col.notNull().check(sql`content_type in ${fileTypes}`))
    .addColumn('content', 'bytea', (col) => col.notNull().check(sql`octet_length(content) between 1 and ${sql.lit(fileBytes)}`))
    // Kept beside the bytes so that a page listing receipts never reads them.
    .addColumn('byte_size', 'integer', (col) => col.notNull().generatedAlwaysAs(sql`octet_length(content)`).stored())
    .addColumn('recorded_by', 'integer', (col) => col.notNull().references('staff_members.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull())
    .addUniqueConstraint('partner_receipts_of_donation', ['id', 'donation_id'])
    // A replacement is of the same gift.
    .addForeignKeyConstraint('partner_receipts_replaces', ['replaces_id', 'donation_id'], 'partner_receipts', ['id', 'donation_id'])
    .execute();
  // One first receipt per gift, and each receipt replaced at most once: a single chain, one current receipt.
  await sql`create unique index partner_receipts_first_of_donation on partner_receipts (donation_id) where replaces_id is null`.execute(db);
  await sql`create unique index partner_receipts_replaced_once on partner_receipts (replaces_id) where replaces_id is not null`.execute(db);
  // The guard of migration 0005 (the audit log's).
  await sql`create trigger partner_receipts_append_only before update or delete on partner_receipts for each row execute function refuse_change_to_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_receipts').execute();
}
