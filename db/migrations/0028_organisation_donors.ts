// Organisations giving online (#18): foundations join the donor kinds, and a gift given as an organisation
// keeps the contact and business registration number it gave, since its receipt is made out from the gift.
import { sql, type Kysely } from 'kysely';

const donorTypesBefore = `('person', 'enterprise', 'chamber_of_commerce', 'charity_federation')`;
const donorTypes = `('person', 'enterprise', 'chamber_of_commerce', 'charity_federation', 'foundation')`;

async function allowDonorTypes(db: Kysely<unknown>, types: string): Promise<void> {
  for (const table of ['donors', 'donations']) {
    await sql.raw(`alter table ${table} drop constraint ${table}_donor_type_check`).execute(db);
    await sql.raw(`alter table ${table} add constraint ${table}_donor_type_check check (donor_type in ${types})`).execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await allowDonorTypes(db, donorTypes);
  await db.schema
    .alterTable('donations')
    .addColumn('donor_contact_name', 'text', (col) => col.check(sql`length(donor_contact_name) between 1 and 100`))
    .addColumn('donor_business_registration', 'text', (col) => col.check(sql`length(donor_business_registration) between 1 and 40`))
    .execute();
  // A person's receipt has no contact or registration line: only an organisation's gift carries them.
  await sql`alter table donations add constraint donations_person_without_organisation_details check (
    donor_type <> 'person' or (donor_contact_name is null and donor_business_registration is null))`.execute(db);
  // Finance's filter by an organisation's kind, newest first: organisations give few of the gifts, so
  // without it a page of them read the ledger's order through every person's gift.
  await db.schema
    .createIndex('donations_organisation_gift_time_idx')
    .on('donations')
    .expression(sql`donor_type, coalesce(succeeded_at, created_at) desc, id`)
    .where(sql.ref('donor_type'), '<>', 'person')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('donations_organisation_gift_time_idx').execute();
  await sql`alter table donations drop constraint donations_person_without_organisation_details`.execute(db);
  await db.schema.alterTable('donations').dropColumn('donor_business_registration').dropColumn('donor_contact_name').execute();
  // Fails while a foundation's gift or donor exists: what it gave cannot be made to say another kind.
  await allowDonorTypes(db, donorTypesBefore);
}
