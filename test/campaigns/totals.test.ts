import fc from 'fast-check';
import { sql } from 'kysely';
import { seedDemoData } from '../../dev/seed';
import type { Campaign } from '../../server/tables/campaigns.table';
import type { Donation } from '../../server/tables/donations.table';
import { campaignTotals, totalsOf } from '../../server/campaigns/totals';
import { startTestContext, type TestContext } from '../support/context';
import { aDonorRow, aLedgerEntry, aPaidGift, aRecurringPlan, keptAndRecountedTotals, ledgerRow } from '../support/ledger-rows';

const seededOn = new Date('2026-11-23T08:00:00Z');
const at = (iso: string) => new Date(`2026-11-${iso}Z`);

async function campaignBySlug(t: TestContext, slug: string): Promise<Campaign> {
  return t.database.db.selectFrom('campaigns').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
}

describe('what a CNY campaign has raised, from gifts in CNY, HKD and USD settled in HKD', () => {
  let t: TestContext;
  let mission: Campaign;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    // Without the closed rounds' money: its bank-credited gifts record rates, and these tests decide which rates exist.
    await seedDemoData(t.database.db, seededOn, { closedRoundMoney: false });
    mission = await campaignBySlug(t, 'happy-smile-2026-11');
  });
  afterAll(() => t.close());

  it('has raised nothing, from no one, before the first gift', async () => {
    expect(await totalsOf(t.database.db, mission)).toEqual({
      raised: { amount: 0, currency: 'CNY' },
      raisedByCurrency: [],
      unconverted: [],
      donors: 0,
      recurringDonors: 0,
    });
  });

  it('leaves HKD and USD out of the total, as unconverted, while no CNY→HKD rate has been recorded', async () => {
    const { db } = t.database;
    // A USD→HKD rate is known, but it cannot bring anything into CNY.
    await aPaidGift(db, { campaignId: mission.id, donorId: await aDonorRow(db, 'hk@example.com'), amount: 50_000, currency: 'HKD', occurredAt: at('01T10:00:00') });
    await aPaidGift(db, {
      campaignId: mission.id,
      donorId: await aDonorRow(db, 'us@example.com'),
      amount: 10_000,
      currency: 'USD',
      settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' },
      occurredAt: at('02T10:00:00'),
    });

    expect(await totalsOf(db, mission)).toEqual({
      raised: { amount: 0, currency: 'CNY' },
      raisedByCurrency: [
        { amount: 50_000, currency: 'HKD' },
        { amount: 10_000, currency: 'USD' },
      ],
      unconverted: [
        { amount: 50_000, currency: 'HKD' },
        { amount: 10_000, currency: 'USD' },
      ],
      donors: 2,
      recurringDonors: 0,
    });
  });

  it('counts CNY as given and converts the rest from what Stripe settled, at the latest CNY→HKD rate', async () => {
    const { db } = t.database;
    // Two CNY gifts settled in HKD record Stripe's CNY→HKD rate; the later one is the rate used.
    await aPaidGift(db, {
      campaignId: mission.id,
      donorId: await aDonorRow(db, 'cn1@example.com'),
      amount: 100_000,
      currency: 'CNY',
      settlement: { amount: 108_500, currency: 'HKD', rate: '1.085' },
      fee: 3_924,
      occurredAt: at('03T10:00:00'),
    });
    await aPaidGift(db, {
      campaignId: mission.id,
      donorId: await aDonorRow(db, 'cn2@example.com'),
      amount: 20_000,
      currency: 'CNY',
      settlement: { amount: 21_800, currency: 'HKD', rate: '1.09' },
      occurredAt: at('04T10:00:00'),
    });

    const totals = await totalsOf(db, mission);
    // Each currency's HKD settlement converted on its own, rounded half up: HK$500 ÷ 1.09 = 45,871.56 fen, HK$780 ÷ 1.09 = 71,559.63.
    expect(totals.raised).toEqual({ amount: 100_000 + 20_000 + 45_872 + 71_560, currency: 'CNY' });
    expect(totals.unconverted).toEqual([]);
    expect(totals.raisedByCurrency).toEqual([
      { amount: 120_000, currency: 'CNY' },
      { amount: 50_000, currency: 'HKD' },
      { amount: 10_000, currency: 'USD' },
    ]);
    expect(totals.donors).toBe(4);
  });

  it('takes the latest rate by when it was recorded at Stripe, not by when the row was written', async () => {
    const { db } = t.database;
    // Written last, but its money moved before the 1.09 gift: 1.09 stays the latest rate.
    await aPaidGift(db, {
      campaignId: mission.id,
      donorId: await aDonorRow(db, 'cn3@example.com'),
      amount: 10_000,
      currency: 'CNY',
      settlement: { amount: 10_700, currency: 'HKD', rate: '1.07' },
      occurredAt: at('02T12:00:00'),
    });
    const totals = await totalsOf(db, mission);
    expect(totals.raised).toEqual({ amount: 130_000 + 45_872 + 71_560, currency: 'CNY' });
  });
});

describe('refunds, disputes and who counts as a donor', () => {
  let t: TestContext;
  let fund: Campaign;
  let general: Campaign;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    await seedDemoData(t.database.db, seededOn);
    fund = await campaignBySlug(t, 'speech-therapy-fund');
    general = await campaignBySlug(t, 'general');
  });
  afterAll(() => t.close());

  it('refunds and lost disputes reduce what was raised, in every currency, and a won dispute gives it back', async () => {
    const { db } = t.database;
    const hk = await aPaidGift(db, { campaignId: fund.id, donorId: await aDonorRow(db, 'hk@example.com'), amount: 100_000, currency: 'HKD' });
    await aLedgerEntry(db, hk, { kind: 'refund', amount: -30_000 });

    const us = await aPaidGift(db, { campaignId: fund.id, donorId: await aDonorRow(db, 'us@example.com'), amount: 10_000, currency: 'USD', settlement: { amount: 78_000, currency: 'HKD', rate: '7.8' } });
    await aLedgerEntry(db, us, { kind: 'refund', amount: -10_000, settlement: { amount: -78_000, currency: 'HKD', rate: '7.8' } });

    const cn = await aPaidGift(db, { campaignId: fund.id, donorId: await aDonorRow(db, 'cn@example.com'), amount: 10_000, currency: 'CNY', settlement: { amount: 10_850, currency: 'HKD', rate: '1.085' } });
    await aLedgerEntry(db, cn, { kind: 'refund', amount: -5_000, settlement: { amount: -5_425, currency: 'HKD', rate: '1.085' } });

    let totals = await totalsOf(db, fund);
    // HKD as given, net: 1,000 − 300; the USD gift is gone; the CNY gift counts as Stripe settled it, net: 108.50 − 54.25.
    expect(totals.raised).toEqual({ amount: 70_000 + 5_425, currency: 'HKD' });
    expect(totals.raisedByCurrency).toEqual([
      { amount: 5_000, currency: 'CNY' },
      { amount: 70_000, currency: 'HKD' },
      { amount: 0, currency: 'USD' },
    ]);
    expect(totals.unconverted).toEqual([]);
    // The USD donor, refunded in full, no longer counts.
    expect(totals.donors).toBe(2);

    await aLedgerEntry(db, hk, { kind: 'dispute', amount: -70_000, fee: 8_500 });
    totals = await totalsOf(db, fund);
    expect(totals.raised).toEqual({ amount: 5_425, currency: 'HKD' });
    expect(totals.donors).toBe(1);

    await aLedgerEntry(db, hk, { kind: 'dispute_won', amount: 70_000, fee: -8_500 });
    totals = await totalsOf(db, fund);
    expect(totals.raised).toEqual({ amount: 75_425, currency: 'HKD' });
    expect(totals.donors).toBe(2);
  });

  it('counts people, not gifts: one donor giving twice is one, a gift without a donor is one of its own', async () => {
    const { db } = t.database;
    const regular = await aDonorRow(db, 'regular@example.com', 'Regular');
    await aPaidGift(db, { campaignId: general.id, donorId: regular, amount: 5_000, currency: 'USD' });
    await aPaidGift(db, { campaignId: general.id, donorId: regular, amount: 20_000, currency: 'HKD' });
    // A donor one of whose two gifts was refunded still counts, once.
    const halfRefunded = await aDonorRow(db, 'half@example.com');
    await aPaidGift(db, { campaignId: general.id, donorId: halfRefunded, amount: 5_000, currency: 'USD' });
    const refunded = await aPaidGift(db, { campaignId: general.id, donorId: halfRefunded, amount: 7_000, currency: 'USD' });
    await aLedgerEntry(db, refunded, { kind: 'refund', amount: -7_000 });
    // Payments made outside the site without an email: each is somebody.
    await aPaidGift(db, { campaignId: general.id, donorId: null, amount: 1_000, currency: 'USD' });
    await aPaidGift(db, { campaignId: general.id, donorId: null, amount: 2_000, currency: 'USD' });
    // A pending donation has no ledger entry and counts for nothing.
    await db.insertInto('donations').values({ campaign_id: general.id, donor_id: await aDonorRow(db, 'pending@example.com'), frequency: 'once', amount: 9_900, currency: 'USD', origin: 'checkout' }).execute();

    const totals = await totalsOf(db, general);
    expect(totals.donors).toBe(4);
    // USD as given; HK$200 at the USD→HKD rate Stripe recorded for the other campaign's gift: 20,000 ÷ 7.8 = 2,564.1 cents.
    expect(totals.raised).toEqual({ amount: 5_000 + 5_000 + 1_000 + 2_000 + 2_564, currency: 'USD' });
    expect(totals.unconverted).toEqual([]);
  });

  it('moves to a newer USD→HKD rate as soon as Stripe records one', async () => {
    const { db } = t.database;
    await aPaidGift(db, { campaignId: general.id, donorId: await aDonorRow(db, 'usd-settled@example.com'), amount: 1_000, currency: 'USD', settlement: { amount: 7_750, currency: 'HKD', rate: '7.75' }, occurredAt: seededOn });
    const totals = await totalsOf(db, general);
    // USD 130.00 + 10.00 as given, and HK$200 ÷ 7.75 = US$25.806… → 25.81.
    expect(totals.raised).toEqual({ amount: 13_000 + 1_000 + 2_581, currency: 'USD' });
    expect(totals.unconverted).toEqual([]);
  });

  it('counts recurring donors by their active or past-due plans, each person once', async () => {
    const { db } = t.database;
    const monthly = await aDonorRow(db, 'monthly@example.com');
    await aRecurringPlan(db, { campaignId: fund.id, donorId: monthly, amount: 10_000, currency: 'HKD', status: 'active' });
    await aRecurringPlan(db, { campaignId: fund.id, donorId: monthly, amount: 5_000, currency: 'USD', status: 'active' });
    await aRecurringPlan(db, { campaignId: fund.id, donorId: await aDonorRow(db, 'late@example.com'), amount: 10_000, currency: 'HKD', status: 'past_due' });
    for (const status of ['incomplete', 'paused', 'canceled'] as const) {
      await aRecurringPlan(db, { campaignId: fund.id, donorId: await aDonorRow(db, `${status}@example.com`), amount: 10_000, currency: 'HKD', status });
    }
    expect((await totalsOf(db, fund)).recurringDonors).toBe(2);
    expect((await totalsOf(db, general)).recurringDonors).toBe(0);
  });

  it('gives every campaign asked for its own totals in one call, and an empty answer for none', async () => {
    const { db } = t.database;
    const closed = await campaignBySlug(t, 'happy-smile-2026-07');
    const all = await campaignTotals(db, [fund, general, closed]);
    expect([...all.keys()]).toEqual([fund.id, general.id, closed.id]);
    expect(all.get(fund.id)).toEqual(await totalsOf(db, fund));
    expect(all.get(general.id)).toEqual(await totalsOf(db, general));
    expect(all.get(closed.id)).toEqual(await totalsOf(db, closed));
    // The demo's six offline gifts to the closed round, in the three currencies they were given in.
    expect(all.get(closed.id)).toMatchObject({ donors: 6, raisedByCurrency: [{ amount: 12_600_000, currency: 'CNY' }, { amount: 5_610_000, currency: 'HKD' }, { amount: 70_000, currency: 'USD' }] });
    expect((await campaignTotals(db, [])).size).toBe(0);
  });
});

describe('a closed round’s money, at the rates recorded by its close', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    await seedDemoData(t.database.db, seededOn, { closedRoundMoney: false });
  });
  afterAll(() => t.close());

  it('stays what it raised when later gifts elsewhere record other rates; one closed before any rate takes the first recorded after', async () => {
    const { db } = t.database;
    const [closedEarly] = await db
      .insertInto('campaigns')
      .values({ slug: 'closed-at-rates', title: { en: 'Closed' }, summary: { en: 'Closed' }, story: { en: 'Closed' }, status: 'closed', target_amount: 1_000_000, target_currency: 'CNY', accepted_currencies: ['CNY', 'HKD'], starts_at: at('01T00:00:00'), ends_at: at('10T00:00:00'), closed_at: at('10T00:00:00') })
      .returningAll()
      .execute();
    const closed = closedEarly!;
    const open = await campaignBySlug(t, 'general');
    await aPaidGift(db, { campaignId: closed.id, donorId: null, amount: 108_500, currency: 'HKD', occurredAt: at('05T00:00:00') });
    // No CNY→HKD rate existed when it closed: the first one recorded after it counts, 1.085 (HK$1,085 is CN¥1,000).
    await aPaidGift(db, { campaignId: open.id, donorId: null, amount: 10_000, currency: 'CNY', settlement: { amount: 10_850, currency: 'HKD', rate: '1.085' }, occurredAt: at('12T00:00:00') });
    expect((await totalsOf(db, closed)).raised).toEqual({ amount: 100_000, currency: 'CNY' });
    // A later rate moves what an open campaign counts, and leaves the closed round alone.
    await aPaidGift(db, { campaignId: open.id, donorId: null, amount: 10_000, currency: 'CNY', settlement: { amount: 11_000, currency: 'HKD', rate: '1.1' }, occurredAt: at('20T00:00:00') });
    expect((await totalsOf(db, closed)).raised).toEqual({ amount: 100_000, currency: 'CNY' });
    const live = await db.insertInto('campaigns').values({ slug: 'open-at-rates', title: { en: 'Open' }, summary: { en: 'Open' }, story: { en: 'Open' }, status: 'live', target_amount: 1_000_000, target_currency: 'CNY', accepted_currencies: ['CNY', 'HKD'], starts_at: at('01T00:00:00') }).returningAll().executeTakeFirstOrThrow();
    await aPaidGift(db, { campaignId: live.id, donorId: null, amount: 110_000, currency: 'HKD', occurredAt: at('21T00:00:00') });
    expect((await totalsOf(db, live)).raised).toEqual({ amount: 100_000, currency: 'CNY' });
  });
});

describe('totals kept by the ledger itself, in the same transaction', () => {
  let t: TestContext;
  let campaigns: Campaign[];
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    await seedDemoData(t.database.db, seededOn);
    campaigns = await t.database.db.selectFrom('campaigns').selectAll().orderBy('id').execute();
  });
  afterAll(() => t.close());

  // Whatever mix of gifts, refunds, disputes, moved gifts, changed donors and rolled-back writes, the kept
  // sums and donor counts equal the ledger counted afresh.
  it('equal the ledger counted afresh after any sequence of gifts, refunds, disputes, donor changes and rollbacks', async () => {
    const { db } = t.database;
    const people = await Promise.all(['a', 'b', 'c'].map((who) => aDonorRow(db, `kept-${who}@example.com`)));
    const donations: Donation[] = [];
    const step = fc.oneof(
      fc.record({ op: fc.constant('give' as const), campaign: fc.nat(), person: fc.option(fc.nat(), { nil: null }), amount: fc.integer({ min: 1, max: 50_000 }), currency: fc.constantFrom('HKD', 'CNY', 'USD') }),
      fc.record({ op: fc.constant('take back' as const), donation: fc.nat(), part: fc.integer({ min: 1, max: 100 }), kind: fc.constantFrom('refund' as const, 'dispute' as const) }),
      fc.record({ op: fc.constant('win dispute' as const), donation: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ op: fc.constant('give and refund at once' as const), campaign: fc.nat(), person: fc.nat(), amount: fc.integer({ min: 1, max: 50_000 }), refunded: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ op: fc.constant('change donor' as const), donation: fc.nat(), person: fc.option(fc.nat(), { nil: null }) }),
      fc.record({ op: fc.constant('move to another campaign' as const), donation: fc.nat(), campaign: fc.nat() }),
      fc.record({ op: fc.constant('roll back' as const), donation: fc.nat() }),
    );
    const pick = <T>(list: T[], n: number) => list[n % list.length]!;
    const personOf = (n: number | null) => (n === null ? null : pick(people, n));
    const newDonation = async (campaign: Campaign, person: number | null, amount: number, currency: string) =>
      db
        .insertInto('donations')
        .values({ campaign_id: campaign.id, donor_id: person, frequency: 'once', amount, currency, status: 'succeeded', origin: 'checkout', succeeded_at: seededOn })
        .returningAll()
        .executeTakeFirstOrThrow();

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        for (const s of steps) {
          if (s.op === 'give') {
            const donation = await newDonation(pick(campaigns, s.campaign), personOf(s.person), s.amount, s.currency);
            await aLedgerEntry(db, donation, { kind: 'gift', amount: s.amount });
            donations.push(donation);
          } else if (s.op === 'give and refund at once') {
            const donation = await newDonation(pick(campaigns, s.campaign), personOf(s.person), s.amount, 'HKD');
            const refund = -Math.max(1, Math.floor((s.amount * s.refunded) / 100));
            await db.insertInto('ledger_entries').values([ledgerRow(donation, { kind: 'gift', amount: s.amount }), ledgerRow(donation, { kind: 'refund', amount: refund })]).execute();
            donations.push(donation);
          } else if (donations.length === 0) {
            continue;
          } else if (s.op === 'take back' || s.op === 'win dispute') {
            const donation = pick(donations, s.donation);
            const amount = Math.max(1, Math.floor((donation.amount * s.part) / 100));
            await aLedgerEntry(db, donation, s.op === 'win dispute' ? { kind: 'dispute_won', amount } : { kind: s.kind, amount: -amount });
          } else if (s.op === 'change donor') {
            await db.updateTable('donations').set({ donor_id: personOf(s.person) }).where('id', '=', pick(donations, s.donation).id).execute();
          } else if (s.op === 'move to another campaign') {
            // A gift's money leaving one campaign and arriving in another, as a correction of the campaign does.
            const donation = pick(donations, s.donation);
            const to = pick(campaigns, s.campaign);
            await aLedgerEntry(db, donation, { kind: 'refund', amount: -donation.amount });
            await aLedgerEntry(db, { ...donation, campaign_id: to.id }, { kind: 'gift', amount: donation.amount });
          } else {
            const donation = pick(donations, s.donation);
            await db
              .transaction()
              .execute(async (trx) => {
                await aLedgerEntry(trx, donation, { kind: 'gift', amount: 1_000 });
                throw new Error('rolled back on purpose');
              })
              .catch(() => undefined);
          }
        }
        const kept = await keptAndRecountedTotals(db);
        expect(kept.sums[0]).toEqual(kept.sums[1]);
        expect(kept.givers[0]).toEqual(kept.givers[1]);
      }),
      { numRuns: 25 },
    );
  });

  it('are cleared with the ledger when a test database is truncated', async () => {
    const { db } = t.database;
    await sql`truncate ledger_entries cascade`.execute(db);
    expect(await db.selectFrom('campaign_totals').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('campaign_givers').selectAll().execute()).toEqual([]);
  });
});
