import { sql } from 'kysely';
import { migrateDown, migrateToLatest } from '../../db/migrate';
import { happySmileRounds, seedDemoData } from '../../dev/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testNow } from '../support/clock';

async function tableNames(database: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(database.db);
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterEach(() => database.drop());

  it('build the schema from an empty database, and a second run changes nothing', async () => {
    expect(await tableNames(database)).toEqual([]);
    const first = await migrateToLatest(database.db);
    expect(first.applied[0]).toBe('0001_campaigns');
    expect(await tableNames(database)).toEqual(expect.arrayContaining(['campaigns', 'campaign_presets', 'kysely_migration']));
    expect((await migrateToLatest(database.db)).applied).toEqual([]);
  });

  it('can be rolled all the way back', async () => {
    const { applied } = await migrateToLatest(database.db);
    for (let i = 0; i < applied.length; i++) await migrateDown(database.db);
    expect(await tableNames(database)).toEqual(['kysely_migration', 'kysely_migration_lock']);
  });

  it('refuse money that is not a positive whole number of minor units', async () => {
    await migrateToLatest(database.db);
    const insert = (target_amount: number) =>
      database.db
        .insertInto('campaigns')
        .values({ slug: 'x', title: { en: 'X' }, summary: { en: '' }, story: { en: '' }, target_amount, target_currency: 'CNY', accepted_currencies: ['CNY'], starts_at: testNow })
        .execute();
    await expect(insert(0)).rejects.toThrow(/check constraint/);
    await expect(insert(10.5)).rejects.toThrow(/invalid input syntax for type bigint/);
  });
});

describe('demo data', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('has exactly one Happy Smile round open on any day of the year', () => {
    for (let day = 0; day < 366; day++) {
      const today = new Date(Date.UTC(2027, 0, 1) + day * 86_400_000);
      const [open, ...earlier] = happySmileRounds(today);
      expect(open!.opens.getTime()).toBeLessThanOrEqual(today.getTime());
      expect(open!.closes.getTime()).toBeGreaterThanOrEqual(today.getTime());
      expect(earlier.every((round) => round.closes < today)).toBe(true);
      expect([5, 7, 11]).toContain(open!.month);
    }
  });

  it('seeds the November round live, the May and July rounds closed, and two funds in HKD and USD', async () => {
    await seedDemoData(database.db, new Date('2026-11-23T00:00:00Z'));
    await seedDemoData(database.db, new Date('2026-11-23T00:00:00Z'));
    const campaigns = await database.db.selectFrom('campaigns').select(['slug', 'status', 'target_amount', 'target_currency']).orderBy('slug').execute();
    expect(campaigns).toEqual([
      { slug: 'general', status: 'live', target_amount: 5_000_000, target_currency: 'USD' },
      { slug: 'happy-smile-2026-05', status: 'closed', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: 'happy-smile-2026-07', status: 'closed', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: 'happy-smile-2026-11', status: 'live', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: 'speech-therapy-fund', status: 'live', target_amount: 30_000_000, target_currency: 'HKD' },
    ]);
    const presets = await database.db.selectFrom('campaign_presets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(presets.n)).toBe(9 * 3 + 6 + 7);
  });
});
