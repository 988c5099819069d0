import request from 'supertest';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

describe('a declined card', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('records no money, never confirms the gift and leaves the campaign total where it was', async () => {
    const earlier = await h.give('speech-therapy-fund', aDonor({ amount: '100', email: 'first@example.com', name: 'First Donor' }));
    await h.pay(earlier.sessionId);
    await h.settle();
    const before = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(before.body).toMatchObject({ raised: { amount: 10000, currency: 'HKD' }, donors: 1 });

    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '300' }));

    const paid = await h.pay(sessionId, '4000000000000002');
    expect(paid.status).not.toBe('succeeded');
    expect(paid.status).toBe('declined');
    await h.settle();

    const after = await h.donation(donation.id);
    expect(after.status).not.toBe('succeeded');
    expect(['pending', 'failed']).toContain(after.status);
    expect(after.succeeded_at).toBeNull();
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donation.id).execute();
    expect(ledger).toEqual([]);

    const thanks = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(thanks.text).not.toContain('Confirmed');
    const totalAfter = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(totalAfter.body).toEqual(before.body);
  });

  it('can be followed by a good card on the same Checkout page, which is counted once', async () => {
    const { donation, sessionId } = await h.give('general', aDonor({ amount: '50', currency: 'USD', email: 'retry@example.com' }));
    expect((await h.pay(sessionId, '4000000000009995')).status).toBe('declined');
    await h.settle();
    expect((await h.donation(donation.id)).status).not.toBe('succeeded');

    expect((await h.pay(sessionId, '4242424242424242')).status).toBe('succeeded');
    await h.settle();
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded', failure_message: null });
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donation.id).execute();
    expect(ledger.map((e) => [e.kind, e.amount, e.currency])).toEqual([['gift', 5000, 'USD']]);

    const thanks = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(thanks.text).toContain('Confirmed');
    const api = await request(h.url).get('/api/campaigns/general').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: 5000, currency: 'USD' }, donors: 1 });
  });
});
