import { sql } from 'kysely';
import { migrateDown, migrateToLatest } from '../../db/migrate';
import { demoRounds, happySmileRounds, seedDemoData } from '../../dev/seed';
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

  it('make receipts of gifts refunded before 0027 say what was kept, or void', async () => {
    const { applied } = await migrateToLatest(database.db);
    // Back to just before receipts carried amounts: 0027 and everything after it.
    for (let i = applied.indexOf('0027_receipt_replacements'); i < applied.length; i++) await migrateDown(database.db);
    const db = database.db;
    const { rows: [campaign] } = await sql<{ id: number }>`
      insert into campaigns (slug, title, summary, story, target_amount, target_currency, accepted_currencies, starts_at)
      values ('old-gifts', '{"en":"Old gifts"}', '{"en":""}', '{"en":""}', 100000, 'HKD', '{HKD}', '2026-01-01')
      returning id`.execute(db);
    const refundedOn = new Date('2026-05-02T03:00:00Z');
    async function aGift(status: string, movements: Array<[string, number]>, sequence: number) {
      const { rows: [gift] } = await sql<{ id: string }>`
        insert into donations (campaign_id, frequency, amount, currency, status, origin)
        values (${campaign!.id}, 'once', 50000, 'HKD', ${status}, 'checkout') returning id`.execute(db);
      for (const [index, [kind, amount]] of [['gift', 50000] as [string, number], ...movements].entries()) {
        await sql`
          insert into ledger_entries (donation_id, campaign_id, kind, amount, currency, settlement_amount, settlement_currency, fee, net, stripe_balance_transaction_id, stripe_object_id, occurred_at)
          values (${gift!.id}, ${campaign!.id}, ${kind}, ${amount}, 'HKD', ${amount}, 'HKD', 0, ${amount}, ${`txn_${sequence}_${index}`}, ${`obj_${sequence}_${index}`}, ${index === 0 ? new Date('2026-04-20T03:00:00Z') : refundedOn})`.execute(db);
      }
      await sql`insert into receipts (donation_id, year, sequence, number, issued_at) values (${gift!.id}, 2026, ${sequence}, ${`2026-00000${sequence}`}, '2026-04-20T03:00:00Z')`.execute(db);
      return gift!.id;
    }
    const kept = await aGift('partially_refunded', [['refund', -12000]], 1);
    const refunded = await aGift('refunded', [['refund', -50000]], 2);
    const standing = await aGift('succeeded', [], 3);

    await migrateToLatest(db);
    const receipts = await db.selectFrom('receipts').select(['donation_id', 'amount', 'voided_at', 'void_reason']).execute();
    expect(receipts.find((r) => r.donation_id === kept)).toEqual({ donation_id: kept, amount: 38000, voided_at: null, void_reason: null });
    expect(receipts.find((r) => r.donation_id === refunded)).toEqual({ donation_id: refunded, amount: 50000, voided_at: refundedOn, void_reason: 'refund' });
    expect(receipts.find((r) => r.donation_id === standing)).toEqual({ donation_id: standing, amount: 50000, voided_at: null, void_reason: null });
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

  it('seeds the November round live, the May and July rounds closed, the next May published ahead, and two funds in HKD and USD', async () => {
    const seededOn = new Date('2026-11-23T00:00:00Z');
    await seedDemoData(database.db, seededOn);
    await seedDemoData(database.db, seededOn);
    // The rounds that day: July's and May's closed, November's open, next May's published ahead.
    const { open, closed, upcoming } = demoRounds(seededOn);
    const [july, may] = closed.map((round) => round.slug);
    const campaigns = await database.db.selectFrom('campaigns').select(['slug', 'status', 'target_amount', 'target_currency', 'starts_at']).orderBy('slug').execute();
    expect(campaigns.map(({ starts_at: _, ...campaign }) => campaign)).toEqual([
      { slug: 'general', status: 'live', target_amount: 5_000_000, target_currency: 'USD' },
      { slug: may, status: 'closed', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: july, status: 'closed', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: open.slug, status: 'live', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: upcoming.slug, status: 'live', target_amount: 80_000_000, target_currency: 'CNY' },
      { slug: 'speech-therapy-fund', status: 'live', target_amount: 30_000_000, target_currency: 'HKD' },
    ]);
    // The next round opens on 1 December in Hong Kong, the day after the open one closes.
    expect(campaigns.find((c) => c.slug === upcoming.slug)!.starts_at).toEqual(new Date('2026-11-30T16:00:00Z'));
    const presets = await database.db.selectFrom('campaign_presets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(presets.n)).toBe(9 * 4 + 6 + 7);
    const rounds = await database.db.selectFrom('campaigns').innerJoin('missions', 'missions.id', 'campaigns.mission_id').select('campaigns.slug').where('missions.slug', '=', 'happy-smile').orderBy('campaigns.slug').execute();
    expect(rounds.map((round) => round.slug)).toEqual([may, july, open.slug, upcoming.slug]);
  });

  it('gives each closed round its gifts, recorded as finance records offline gifts, and its report, once however often it runs', async () => {
    const { db } = database;
    // Seeded twice above on this day; once more, and once on a day when the rounds have not moved on.
    const nextDay = new Date('2026-11-24T00:00:00Z');
    await seedDemoData(db, nextDay);
    const [july, may] = demoRounds(nextDay).closed.map((round) => round.slug);
    const gifts = await db
      .selectFrom('donations')
      .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
      .innerJoin('ledger_entries', 'ledger_entries.donation_id', 'donations.id')
      .innerJoin('receipts', 'receipts.donation_id', 'donations.id')
      .select(['campaigns.slug', 'donations.donor_type', 'donations.currency', 'donations.status', 'ledger_entries.source', 'receipts.number'])
      .orderBy('campaigns.slug')
      .execute();
    expect(gifts).toHaveLength(12);
    expect(new Set(gifts.map((gift) => gift.slug))).toEqual(new Set([may, july]));
    expect(new Set(gifts.map((gift) => gift.donor_type))).toEqual(new Set(['person', 'enterprise', 'chamber_of_commerce']));
    expect(new Set(gifts.map((gift) => gift.currency))).toEqual(new Set(['CNY', 'HKD', 'USD']));
    expect(gifts.every((gift) => gift.status === 'succeeded' && gift.source === 'offline')).toBe(true);
    expect(new Set(gifts.map((gift) => gift.number)).size).toBe(12);
    const owed = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('topic', '=', 'receipt').executeTakeFirstOrThrow();
    expect(Number(owed.n)).toBe(12);

    const reports = await db.selectFrom('impact_updates').innerJoin('campaigns', 'campaigns.id', 'impact_updates.campaign_id').select(['campaigns.slug', 'impact_updates.title', 'impact_updates.completed_at']).orderBy('campaigns.slug').execute();
    expect(reports.map((report) => [report.slug, Object.keys(report.title).sort()])).toEqual([
      [may, ['en', 'zh-CN', 'zh-HK']],
      [july, ['en', 'zh-CN', 'zh-HK']],
    ]);
    // The demo's gifts name no donor: there was no one to write to.
    expect(reports.every((report) => report.completed_at !== null)).toBe(true);
  });
});
