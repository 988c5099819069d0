import { sql, type Kysely } from 'kysely';

// When staff closed a campaign (issue #17): a round closed early still took gifts until that moment, so a
// renewal paid before it, whose webhook arrives after, still belongs to it. Campaigns already closed are
// taken to have closed at their end, or, closed early, when they were last saved.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('closed_at', 'timestamptz').execute();
  await sql`update campaigns set closed_at = least(coalesce(ends_at, updated_at), updated_at) where status = 'closed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('closed_at').execute();
}
