// The round's income divided among its givers (divideIncome), on ledger sums built by hand for the cases a
// real round meets: a refund at a later rate that leaves a currency with nothing but what the rates did, a
// giver whose gifts in one currency all came back while another stands, and a gift no recorded rate converts.
import { latestRates } from '../../server/campaigns/totals';
import { divideIncome } from '../../server/missions/rounds/shares';
import type { GiverSum } from '../../server/missions/rounds/report.repository';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { aPaidGift, campaignId } from '../support/ledger-rows';

const at = (day: number) => new Date(`2026-05-${String(day).padStart(2, '0')}T04:00:00Z`);
const sum = (who: string, currency: string, settlement: string, amount: number, settlementAmount: number, day: number): GiverSum => ({
  who,
  donor_id: Number(who),
  currency,
  settlement_currency: settlement,
  amount,
  settlement_amount: settlementAmount,
  first_given_at: at(day),
});

describe('dividing a round’s income among its givers', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow, { closedRoundMoney: false });
    // The one rate on record: a yuan gift Stripe settled in HK$ at 1.085.
    await aPaidGift(t.database.db, { campaignId: await campaignId(t.database.db, 'general'), donorId: null, amount: 100_000, currency: 'CNY', settlement: { amount: 108_500, currency: 'HKD', rate: '1.085' } });
  });
  afterAll(() => t.close());

  it('spreads what a fully refunded currency left behind over every share, the earliest first on ties, and the shares still add up', async () => {
    const outcome = await divideIncome(
      t.database.db,
      [
        sum('1', 'CNY', 'HKD', 100_000, 108_500, 1),
        sum('2', 'CNY', 'CNY', 20_000, 20_000, 2),
        // Gave HK$100 and had it all back: nothing of theirs is left in HKD.
        sum('2', 'HKD', 'HKD', 0, 0, 2),
        sum('3', 'HKD', 'HKD', 50_000, 50_000, 3),
        // US$100 refunded in full at a later rate: HK$0.50 less came back than went in.
        sum('4', 'USD', 'HKD', 0, -50, 4),
      ],
      'CNY',
      latestRates(),
    );
    // CNY as given (1,200.00); HK$500.00 ÷ 1.085 = 460.83; −HK$0.50 ÷ 1.085 = −0.46, spread over the three
    // shares in proportion to 100,000 : 20,000 : 46,083 (−28, −6, −13, and the fen left over to the largest remainder, giver 2).
    expect(outcome).toEqual({
      ok: true,
      income: 166_037,
      shares: [
        { who: '1', donorId: 1, currency: 'CNY', given: 100_000, counted: 99_972, firstGivenAt: at(1) },
        { who: '2', donorId: 2, currency: 'CNY', given: 20_000, counted: 19_995, firstGivenAt: at(2) },
        { who: '3', donorId: 3, currency: 'HKD', given: 50_000, counted: 46_070, firstGivenAt: at(3) },
      ],
    });
  });

  it('names what no recorded rate converts, and divides nothing', async () => {
    const outcome = await divideIncome(t.database.db, [sum('1', 'CNY', 'CNY', 10_000, 10_000, 1), sum('2', 'EUR', 'EUR', 5_000, 5_000, 2), sum('3', 'EUR', 'EUR', 2_500, 2_500, 3)], 'CNY', latestRates());
    expect(outcome).toEqual({ ok: false, unconverted: [{ amount: 7_500, currency: 'EUR' }] });
  });

  it('has nothing to report when every gift came back and only what the rates did is left', async () => {
    expect(await divideIncome(t.database.db, [sum('1', 'HKD', 'HKD', 0, -30, 1)], 'CNY', latestRates())).toEqual({ ok: true, income: 0, shares: [] });
  });
});
