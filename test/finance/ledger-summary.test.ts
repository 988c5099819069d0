// The gifts ledger's counts and totals per currency, read from the summaries that triggers keep (migration
// 0032), stay equal to the donations and the ledger summed one row at a time, whatever moved the money.
import { sql } from 'kysely';
import { seedDemoData } from '../../dev/seed';
import type { Db } from '../../server/database';
import { campaignTotals } from '../../server/campaigns/totals';
import { foldGiftDaySlots } from '../../server/finance/gift-day-totals.repository';
import { listGifts, totalsByCurrency, type CurrencyTotals } from '../../server/finance/gift.repository';
import { unfinishedStatuses, type GiftFilters } from '../../server/finance/gifts';
import { correctOfflineGift, recordOfflineGift, type OfflineGift } from '../../server/finance/offline';
import type { Donation, DonationStatus } from '../../server/tables/donations.table';
import type { LedgerKind } from '../../server/tables/ledger-entries.table';
import { startTestContext, type TestContext } from '../support/context';
import { aDonorRow, aLedgerEntry, aPaidGift, campaignId, ledgerRow } from '../support/ledger-rows';
import { aStaffMember } from '../support/staff';

const timeZone = 'Asia/Hong_Kong';
const dayIn = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });

/** What the page must show, from every donation and ledger row, filtered and summed here in JavaScript. */
async function recounted(db: Db, filters: GiftFilters): Promise<{ count: number; totals: CurrencyTotals[] }> {
  const donations = await db.selectFrom('donations').innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id').leftJoin('donors', 'donors.id', 'donations.donor_id')
    .select(['donations.id', 'donations.status', 'donations.currency', 'donations.payment_method', 'donations.donor_type', 'donations.donor_name', 'donations.succeeded_at', 'donations.created_at', 'campaigns.slug', 'donors.email', 'donors.name'])
    .execute();
  const selected = donations.filter((d) => {
    const day = dayIn.format(d.succeeded_at ?? d.created_at);
    const unfinished = (unfinishedStatuses as string[]).includes(d.status);
    return (
      (!filters.from || day >= filters.from) && (!filters.to || day <= filters.to) && (!filters.campaign || d.slug === filters.campaign) &&
      (!filters.currency || d.currency === filters.currency) && (!filters.method || d.payment_method === filters.method) &&
      (filters.status === 'unfinished' ? unfinished : filters.status ? d.status === filters.status : !unfinished) &&
      (filters.donor_type === 'organisation' ? d.donor_type !== 'person' : !filters.donor_type || d.donor_type === filters.donor_type) &&
      (!filters.donor || [d.donor_name, d.email, d.name].some((text) => text?.toLowerCase().includes(filters.donor!.toLowerCase())))
    );
  });
  const ids = new Set(selected.map((d) => d.id));
  const rows = (await db.selectFrom('ledger_entries').selectAll().orderBy('id').execute()).filter((row) => ids.has(row.donation_id));
  const byPair = new Map<string, CurrencyTotals & { donations: Set<string> }>();
  for (const row of rows) {
    const key = `${row.currency}>${row.settlement_currency}`;
    const sum = byPair.get(key) ?? { currency: row.currency, settlementCurrency: row.settlement_currency, gifts: 0, given: 0, returned: 0, gross: 0, settled: 0, fee: 0, net: 0, donations: new Set<string>() };
    sum.donations.add(row.donation_id);
    if (row.kind === 'gift' || row.kind === 'reversal') sum.given += Number(row.amount);
    else sum.returned += Number(row.amount);
    sum.gross += Number(row.amount);
    sum.settled += Number(row.settlement_amount);
    sum.fee += Number(row.fee);
    sum.net += Number(row.net);
    byPair.set(key, sum);
  }
  const totals = [...byPair.values()]
    .map(({ donations, ...sum }) => ({ ...sum, gifts: donations.size }))
    .sort((a, b) => a.currency.localeCompare(b.currency) || a.settlementCurrency.localeCompare(b.settlementCurrency));
  return { count: selected.length, totals };
}

/** Every filter the ledger page offers, alone and together, with day ranges that begin and end inside UTC days and on their edges. */
const filterSets: GiftFilters[] = [
  {},
  { campaign: 'general' },
  { campaign: 'speech-therapy-fund', currency: 'USD' },
  { currency: 'HKD' },
  { currency: 'CNY' },
  { status: 'succeeded' },
  { status: 'refunded' },
  { status: 'partially_refunded' },
  { status: 'disputed' },
  { status: 'failed' },
  { status: 'unfinished' },
  { method: 'card' },
  { method: 'cheque' },
  { method: 'bank_transfer' },
  { donor_type: 'person' },
  { donor_type: 'organisation' },
  { donor_type: 'enterprise' },
  { donor: 'wing' },
  { from: '2026-05-02' },
  { to: '2026-05-02' },
  { from: '2026-05-02', to: '2026-05-02' },
  { from: '2026-05-02', to: '2026-05-03' },
  { from: '2026-05-01', to: '2026-05-20' },
  { from: '2026-05-03', to: '2026-06-10', campaign: 'general', status: 'succeeded' },
  { from: '2026-05-02', to: '2026-05-31', method: 'card', donor_type: 'person' },
  { from: '2026-05-02', donor: 'chan' },
];

async function expectSummariesToMatchTheLedger(db: Db): Promise<void> {
  for (const filters of filterSets) {
    const expected = await recounted(db, filters);
    expect({ filters, totals: await totalsByCurrency(db, filters, timeZone) }).toEqual({ filters, totals: expected.totals });
    expect({ filters, count: (await listGifts(db, filters, timeZone, 1)).count }).toEqual({ filters, count: expected.count });
  }
  // And the campaigns' donors, counted by their own trigger, against the givers they count.
  const campaigns = await db.selectFrom('campaigns').select(['id', 'target_currency', 'closed_at', 'ends_at']).execute();
  const totals = await campaignTotals(db, campaigns);
  const givers = await db.selectFrom('campaign_givers').select(['campaign_id', (eb) => eb.fn.countAll<string>().as('n')]).where('donations', '>', 0).groupBy('campaign_id').execute();
  for (const campaign of campaigns) expect({ campaign: campaign.id, donors: totals.get(campaign.id)!.donors }).toEqual({ campaign: campaign.id, donors: Number(givers.find((g) => g.campaign_id === campaign.id)?.n ?? 0) });
}

async function setStatus(db: Db, donation: Pick<Donation, 'id'>, status: DonationStatus): Promise<void> {
  await db.updateTable('donations').set({ status }).where('id', '=', donation.id).execute();
}

async function aMovement(db: Db, donation: Donation, kind: LedgerKind, amount: number, occurredAt: Date, settlement?: { amount: number; currency: string; rate?: string }) {
  await aLedgerEntry(db, donation, { kind, amount, occurredAt, settlement, fee: 0 });
}

const offline = (campaign: number, overrides: Partial<OfflineGift> = {}): OfflineGift => ({
  donorType: 'person',
  donorName: 'Chan Tai Man',
  contactName: null,
  businessRegistration: null,
  donorEmail: null,
  amount: 100_000,
  currency: 'HKD',
  credited: null,
  method: 'cheque',
  reference: '000123',
  receivedOn: '2026-05-02',
  campaignId: campaign,
  locale: 'en',
  showName: true,
  ...overrides,
});

describe('the gifts ledger’s counts and totals, kept by triggers, against the ledger summed row by row', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, new Date('2026-06-01T00:00:00Z'), { closedRoundMoney: false });
  });
  afterAll(() => t.close());

  it('agree for card gifts in three currencies, either side of midnight in Hong Kong and in UTC, refunded, disputed and won back', async () => {
    const { db } = t.database;
    const general = await campaignId(db, 'general');
    const speech = await campaignId(db, 'speech-therapy-fund');
    const wing = await aDonorRow(db, 'wing.lee@example.com', 'Wing Lee');
    const settledInHkd = (amount: number, rate: number, text: string) => ({ amount: Math.round(amount * rate), currency: 'HKD', rate: text });
    const at = (iso: string) => new Date(iso);
    // 15:59:59 and 16:00 UTC fall on two days in Hong Kong; 23:59 and 00:00 UTC on one.
    const gifts = [
      await aPaidGift(db, { campaignId: general, donorId: wing, amount: 10_000, currency: 'HKD', occurredAt: at('2026-05-01T15:59:59Z') }),
      await aPaidGift(db, { campaignId: general, donorId: null, amount: 20_000, currency: 'HKD', occurredAt: at('2026-05-01T16:00:00Z') }),
      await aPaidGift(db, { campaignId: speech, donorId: wing, amount: 5_000, currency: 'USD', settlement: settledInHkd(5_000, 7.8, '7.8'), fee: 1_200, occurredAt: at('2026-05-02T23:59:00Z') }),
      await aPaidGift(db, { campaignId: speech, donorId: null, amount: 30_000, currency: 'CNY', settlement: settledInHkd(30_000, 1.08, '1.08'), occurredAt: at('2026-05-03T00:00:00Z') }),
      await aPaidGift(db, { campaignId: general, donorId: null, amount: 7_500, currency: 'USD', settlement: settledInHkd(7_500, 7.8, '7.8'), occurredAt: at('2026-05-20T04:00:00Z') }),
    ];
    await expectSummariesToMatchTheLedger(db);

    // A full refund, a partial one, and a dispute lost then won: rows and statuses as the Stripe handlers write them.
    await aMovement(db, gifts[0]!, 'refund', -10_000, at('2026-05-04T02:00:00Z'));
    await setStatus(db, gifts[0]!, 'refunded');
    await aMovement(db, gifts[2]!, 'refund', -1_000, at('2026-05-05T02:00:00Z'), { amount: -7_800, currency: 'HKD', rate: '7.8' });
    await setStatus(db, gifts[2]!, 'partially_refunded');
    await setStatus(db, gifts[3]!, 'disputed');
    await aMovement(db, gifts[3]!, 'dispute', -30_000, at('2026-05-06T02:00:00Z'), { amount: -32_400, currency: 'HKD', rate: '1.08' });
    await expectSummariesToMatchTheLedger(db);
    await aMovement(db, gifts[3]!, 'dispute_won', 30_000, at('2026-05-09T02:00:00Z'), { amount: 32_400, currency: 'HKD', rate: '1.08' });
    await setStatus(db, gifts[3]!, 'succeeded');
    await expectSummariesToMatchTheLedger(db);
  });

  it('agree when a checkout is paid days after it began, when one fails or expires, and when a charge comes with its refund in one statement', async () => {
    const { db } = t.database;
    const general = await campaignId(db, 'general');
    const started = (status: DonationStatus, createdAt: string) =>
      db.insertInto('donations').values({ campaign_id: general, donor_id: null, frequency: 'once', amount: 4_000, currency: 'HKD', status, origin: 'checkout', donor_name: 'Chan Siu Ming', created_at: createdAt }).returningAll().executeTakeFirstOrThrow();
    const paidLater = await started('pending', '2026-05-02T10:00:00Z');
    await started('expired', '2026-05-02T11:00:00Z');
    await started('failed', '2026-05-02T12:00:00Z');
    await expectSummariesToMatchTheLedger(db);

    // Paid three days on, by Alipay: its day, status and method change in one update, before its ledger row.
    await db.updateTable('donations').set({ status: 'succeeded', succeeded_at: new Date('2026-05-05T03:00:00Z'), payment_method: 'alipay' }).where('id', '=', paidLater.id).execute();
    await expectSummariesToMatchTheLedger(db);
    await aMovement(db, paidLater, 'gift', 4_000, new Date('2026-05-05T03:00:00Z'));
    await expectSummariesToMatchTheLedger(db);

    // A charge synced together with its refund: two rows of one gift in one statement, one gift in the pair.
    const synced = await started('pending', '2026-05-07T10:00:00Z');
    await db.updateTable('donations').set({ status: 'partially_refunded', succeeded_at: new Date('2026-05-07T10:05:00Z'), payment_method: 'card' }).where('id', '=', synced.id).execute();
    await db.insertInto('ledger_entries').values([
      ledgerRow(synced, { kind: 'gift', amount: 4_000, occurredAt: new Date('2026-05-07T10:05:00Z') }),
      ledgerRow(synced, { kind: 'refund', amount: -500, occurredAt: new Date('2026-05-08T10:05:00Z') }),
    ]).execute();
    await expectSummariesToMatchTheLedger(db);
  });

  it('agree for offline gifts, one credited in another currency, and for corrections that change their currency, campaign, method, donor and day', async () => {
    const { db } = t.database;
    const general = await campaignId(db, 'general');
    const speech = await campaignId(db, 'speech-therapy-fund');
    const staff = await aStaffMember(db, ['finance']);
    const cheque = await recordOfflineGift(db, offline(general), staff.id, timeZone);
    const transfer = await recordOfflineGift(
      db,
      offline(general, { donorType: 'enterprise', donorName: 'Chan & Sons Ltd', contactName: 'Chan Tai Man', businessRegistration: '12345678', amount: 50_000, currency: 'USD', credited: { amount: 389_000, currency: 'HKD' }, method: 'bank_transfer', reference: 'TT-889', receivedOn: '2026-05-03' }),
      staff.id,
      timeZone,
    );
    await expectSummariesToMatchTheLedger(db);

    const now = new Date('2026-06-10T02:00:00Z');
    const first = await correctOfflineGift(db, cheque.id, offline(speech, { amount: 120_000, method: 'cash', reference: 'Cash book p. 4', receivedOn: '2026-05-03', donorType: 'enterprise', donorName: 'Chan Holdings', contactName: 'Chan Tai Man', businessRegistration: '87654321' }), 'Wrong campaign, amount and donor', staff.id, now, timeZone, 'en');
    expect(first.kind).toBe('corrected');
    const second = await correctOfflineGift(db, transfer.id, offline(general, { amount: 389_000, currency: 'HKD', method: 'bank_transfer', reference: 'TT-889', receivedOn: '2026-05-01' }), 'Arrived in HKD, a day earlier', staff.id, now, timeZone, 'en');
    expect(second.kind).toBe('corrected');
    await expectSummariesToMatchTheLedger(db);
  });

  it('agree after today’s slots are folded, and the folded days keep one row a key', async () => {
    const { db } = t.database;
    const general = await campaignId(db, 'general');
    // Gifts of the database's today are spread over slots; a refund moves one gift's figures to another status.
    const recent = await sql<{ now: Date }>`select now() as now`.execute(db);
    const today = recent.rows[0]!.now;
    const gifts = [];
    for (let i = 0; i < 12; i++) gifts.push(await aPaidGift(db, { campaignId: general, donorId: null, amount: 1_000 + i, currency: 'HKD', occurredAt: today }));
    await aMovement(db, gifts[0]!, 'refund', -1_000, today);
    await setStatus(db, gifts[0]!, 'refunded');
    const slots = await db.selectFrom('gift_day_totals').select((eb) => eb.fn.count<string>('slot').distinct().as('n')).executeTakeFirstOrThrow();
    expect(Number(slots.n)).toBeGreaterThan(1);
    await expectSummariesToMatchTheLedger(db);

    expect(await foldGiftDaySlots(db, new Date(today.getTime() + 3 * 24 * 60 * 60 * 1000))).toBeGreaterThan(0);
    await expectSummariesToMatchTheLedger(db);
    const left = await db.selectFrom('gift_day_totals').select(['slot', 'gifts', 'given', 'returned', 'settled', 'fee', 'net']).execute();
    expect(left.every((row) => row.slot === 0)).toBe(true);
    expect(left.some((row) => [row.gifts, row.given, row.returned, row.settled, row.fee, row.net].every((n) => Number(n) === 0))).toBe(false);
    const keys = await sql<{ n: string }>`select count(*) as n from (select 1 from gift_day_totals group by day, campaign_id, donation_currency, status, payment_method, donor_type, currency, settlement_currency having count(*) > 1) k`.execute(db);
    expect(Number(keys.rows[0]!.n)).toBe(0);
  });
});
