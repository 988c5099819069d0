import type { Kysely } from 'kysely';

// Each staff member's language for the staff area (issue #16): a locale code, or null to follow the browser
// as every other page does. Emails stay in the language of the page they were asked from.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('staff_members').addColumn('locale', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('staff_members').dropColumn('locale').execute();
}
