// Migration 0023: from "everyone gets impact updates unless they opted out" to consent. Nobody had been asked,
// so nobody is taken to have agreed; an opt-out is kept as a no; undone, the opt-outs come back.
import { sql } from 'kysely';
import { migrateDown, migrateToLatest } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

const migration = '0023_donor_consents';

async function appliedMigrations(database: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
  return rows.map((row) => row.name);
}

describe('migration 0023: consent to news', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('records no yes for any donor, keeps each opt-out as a no from when it was made, and gives the opt-outs back when undone', async () => {
    while ((await appliedMigrations(database)).includes(migration)) await migrateDown(database.db);
    const optedOutAt = new Date('2025-03-04T05:06:07.890Z');
    const { rows } = await sql<{ id: number; email: string }>`
      insert into donors (email, locale, impact_opt_out_at) values
        ('reader@example.com', 'en', null),
        ('opted.out@example.com', 'zh-HK', ${optedOutAt})
      returning id, email`.execute(database.db);
    const id = (email: string) => rows.find((row) => row.email === email)!.id;

    await migrateToLatest(database.db);
    const consents = await database.db.selectFrom('donor_consents').selectAll().where('donor_id', 'in', [id('reader@example.com'), id('opted.out@example.com')]).execute();
    expect(consents).toEqual([
      expect.objectContaining({ donor_id: id('opted.out@example.com'), purpose: 'updates', granted: false, source: 'earlier_opt_out', wording: null, locale: null, donation_id: null, chosen_at: optedOutAt }),
    ]);
    const { rows: columns } = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'donors' and column_name = 'impact_opt_out_at'`.execute(database.db);
    expect(columns).toEqual([]);

    await database.db
      .insertInto('donor_consents')
      .values({ donor_id: id('reader@example.com'), purpose: 'updates', granted: true, wording: 'Send me news…', locale: 'en', source: 'account', chosen_at: new Date('2026-06-10T02:00:00Z') })
      .execute();
    // Down through this migration, past any that came after it.
    while ((await appliedMigrations(database)).includes(migration)) await migrateDown(database.db);
    const { rows: donors } = await sql<{ email: string; impact_opt_out_at: Date | null }>`
      select email, impact_opt_out_at from donors where id in (${id('reader@example.com')}, ${id('opted.out@example.com')}) order by email`.execute(database.db);
    expect(donors).toEqual([
      { email: 'opted.out@example.com', impact_opt_out_at: optedOutAt },
      { email: 'reader@example.com', impact_opt_out_at: null },
    ]);
    await migrateToLatest(database.db);
  });
});
