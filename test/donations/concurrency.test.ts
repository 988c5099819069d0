import request from 'supertest';
import { sql } from 'kysely';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

describe('many donors giving to one campaign at the same moment', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('counts every gift exactly once: the campaign total and donors agree with the ledger', async () => {
    // 50 gifts from 40 people: the first ten give twice, in different currencies and amounts.
    const forms = Array.from({ length: 50 }, (_, i) => {
      const person = i % 40;
      const currency = ['HKD', 'USD', 'CNY'][i % 3]!;
      return aDonor({ amount: String(100 + i), currency, email: `donor-${person}@example.com`, name: `Donor ${person}` });
    });
    const gifts = await Promise.all(forms.map((form) => h.give('speech-therapy-fund', form)));
    const paid = await Promise.all(gifts.map(({ sessionId }) => h.pay(sessionId)));
    expect(paid.map((p) => p.status)).toEqual(Array(50).fill('succeeded'));
    await h.settle();

    const { db } = h.database;
    const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow();
    const donations = await db.selectFrom('donations').selectAll().where('campaign_id', '=', campaign.id).execute();
    expect(donations).toHaveLength(50);
    expect(donations.every((d) => d.status === 'succeeded')).toBe(true);

    const giftRows = await db
      .selectFrom('ledger_entries')
      .select(['donation_id', sql<string>`count(*)`.as('rows')])
      .where('kind', '=', 'gift')
      .groupBy('donation_id')
      .execute();
    expect(giftRows).toHaveLength(50);
    expect(giftRows.every((r) => Number(r.rows) === 1)).toBe(true);
    expect(new Set(giftRows.map((r) => r.donation_id))).toEqual(new Set(donations.map((d) => d.id)));
    for (const d of donations) {
      const [row] = await db.selectFrom('ledger_entries').select(['amount', 'currency']).where('donation_id', '=', d.id).execute();
      expect(row).toEqual({ amount: d.amount, currency: d.currency });
    }

    // What the campaign raised in HKD, straight from the ledger: HKD gifts as given, the others as Stripe settled them.
    const { raised } = await db
      .selectFrom('ledger_entries')
      .select(sql<string>`sum(case when currency = 'HKD' then amount else settlement_amount end)`.as('raised'))
      .where('campaign_id', '=', campaign.id)
      .executeTakeFirstOrThrow();
    expect((await db.selectFrom('ledger_entries').select('settlement_currency').distinct().execute()).map((r) => r.settlement_currency)).toEqual(['HKD']);
    const { donors } = await db
      .selectFrom('ledger_entries')
      .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
      .select(sql<string>`count(distinct donations.donor_id)`.as('donors'))
      .where('ledger_entries.campaign_id', '=', campaign.id)
      .executeTakeFirstOrThrow();
    expect(Number(donors)).toBe(40);
    expect(Number((await db.selectFrom('donors').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n)).toBe(40);

    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: Number(raised), currency: 'HKD' }, donors: 40 });
    const byCurrency = Object.fromEntries((api.body.raisedByCurrency as { amount: number; currency: string }[]).map((m) => [m.currency, m.amount]));
    const given = (currency: string) => donations.filter((d) => d.currency === currency).reduce((sum, d) => sum + d.amount, 0);
    expect(byCurrency).toEqual({ CNY: given('CNY'), HKD: given('HKD'), USD: given('USD') });
  });
});
