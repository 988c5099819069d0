import request from 'supertest';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

describe('a one-off card gift', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('goes from the form through Checkout to the ledger, once, and moves the campaign total', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '250.50', message: 'For the children' }));
    expect(donation).toMatchObject({ status: 'pending', amount: 25050, currency: 'HKD', frequency: 'once' });

    const pendingPage = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(pendingPage.text).toContain('Pending');

    await h.pay(sessionId);
    await h.settle();

    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded', payment_method: 'card' });
    const ledger = await h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donation.id).execute();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'gift', amount: 25050, currency: 'HKD', settlement_currency: 'HKD', settlement_amount: 25050 });
    expect(ledger[0]!.fee).toBeGreaterThan(0);

    const thanks = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(thanks.text).toContain('Confirmed');
    const api = await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200);
    expect(api.body).toMatchObject({ raised: { amount: 25050, currency: 'HKD' }, donors: 1 });
    const page = await request(h.url).get('/campaigns/speech-therapy-fund').expect(200);
    expect(page.text).toContain('For the children');
  });
});
