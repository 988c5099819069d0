import request from 'supertest';
import type Stripe from 'stripe';
import type { Donation } from '../../server/tables/donations.table';
import { syncCharge } from '../../server/donations/sync/ledger';
import { StaleStripeReads, StripeSnapshot } from '../../server/donations/sync/stripe-reads';
import { applyStripeEvent } from '../../server/webhooks/events';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';

describe('refunds and disputes of a card gift', () => {
  // A harness each: every story reads the campaign's total, so each starts from an empty ledger.
  let h: GivingHarness;
  beforeEach(async () => {
    h = await startGivingHarness();
  });
  afterEach(() => h.stop());

  /** A donor gives HK$500 to the speech therapy fund and the gift goes through. */
  async function aSucceededGift(): Promise<Donation> {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '500' }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.settle();
    const succeeded = await h.donation(donation.id);
    expect(succeeded).toMatchObject({ status: 'succeeded', amount: 50000 });
    expect(succeeded.stripe_payment_intent_id).toMatch(/^pi_/);
    expect(succeeded.stripe_charge_id).toMatch(/^ch_/);
    return succeeded;
  }

  const ledgerOf = (donationId: string) =>
    h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donationId).orderBy('id').execute();
  const campaignApi = async () => (await request(h.url).get('/api/campaigns/speech-therapy-fund').expect(200)).body as { raised: { amount: number }; donors: number };

  it('a full refund returns the gift: refunded, the ledger nets to zero, the total and donors back to zero', async () => {
    const gift = await aSucceededGift();
    const refund = await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id! });
    expect(refund.status).toBe('succeeded');
    await h.settle();

    expect((await h.donation(gift.id)).status).toBe('refunded');
    const ledger = await ledgerOf(gift.id);
    expect(ledger.map((e) => [e.kind, e.amount, e.currency, e.stripe_object_id])).toEqual([
      ['gift', 50000, 'HKD', gift.stripe_charge_id],
      ['refund', -50000, 'HKD', refund.id],
    ]);
    expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(0);

    expect(await campaignApi()).toMatchObject({ raised: { amount: 0 }, donors: 0 });
    const thanks = await request(h.url).get(`/donations/thanks?session_id=${gift.stripe_checkout_session_id}`).expect(200);
    expect(thanks.text).toContain('Confirmed');
  });

  it('a partial refund keeps the rest: partially refunded, the total is the gift less the refund', async () => {
    const gift = await aSucceededGift();
    const refund = await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 12000 });
    await h.settle();

    expect((await h.donation(gift.id)).status).toBe('partially_refunded');
    expect((await ledgerOf(gift.id)).map((e) => [e.kind, e.amount, e.stripe_object_id])).toEqual([
      ['gift', 50000, gift.stripe_charge_id],
      ['refund', -12000, refund.id],
    ]);
    expect(await campaignApi()).toMatchObject({ raised: { amount: 38000 }, donors: 1 });
  });

  it('two partial refunds that add up to the whole gift leave it refunded', async () => {
    const gift = await aSucceededGift();
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 20000 });
    await h.settle();
    expect((await h.donation(gift.id)).status).toBe('partially_refunded');
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 30000 });
    await h.settle();

    expect((await h.donation(gift.id)).status).toBe('refunded');
    expect((await ledgerOf(gift.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['gift', 50000],
      ['refund', -20000],
      ['refund', -30000],
    ]);
    expect(await campaignApi()).toMatchObject({ raised: { amount: 0 }, donors: 0 });
  });

  it('a gift in another currency, refunded in full, leaves the campaign total where it started', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '100', currency: 'USD' }));
    await h.pay(sessionId);
    await h.settle();
    const gift = await h.donation(donation.id);
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id! });
    await h.settle();

    expect((await h.donation(gift.id)).status).toBe('refunded');
    const ledger = await ledgerOf(gift.id);
    expect(ledger.map((e) => [e.kind, e.amount, e.currency, e.settlement_currency])).toEqual([
      ['gift', 10000, 'USD', 'HKD'],
      ['refund', -10000, 'USD', 'HKD'],
    ]);
    // The HK$ the campaign counted for the gift all go back out with the refund.
    expect(ledger[0]!.settlement_amount + ledger[1]!.settlement_amount).toBe(0);
    expect(await campaignApi()).toMatchObject({ raised: { amount: 0 }, donors: 0 });
  });

  it('a payment event delivered again after a partial refund and a dispute changes neither the ledger nor the status', async () => {
    const gift = await aSucceededGift();
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 10_000 });
    await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: gift.stripe_charge_id });
    await h.settle();
    const before = { status: (await h.donation(gift.id)).status, ledger: await ledgerOf(gift.id) };
    expect(before.status).toBe('disputed');
    expect(before.ledger.map((e) => e.kind)).toEqual(['gift', 'refund', 'dispute']);

    // The payment's own events, applied once more as if Stripe had sent them late: they look at the
    // charge, see it refunded and disputed, and so look up its refunds and disputes before judging.
    const paymentEvents = await h.database.db
      .selectFrom('stripe_events')
      .select('id')
      .where('type', 'in', ['payment_intent.succeeded', 'checkout.session.completed'])
      .execute();
    expect(paymentEvents.length).toBeGreaterThan(0);
    await h.database.db.updateTable('stripe_events').set({ processed_at: null }).where('id', 'in', paymentEvents.map((e) => e.id)).execute();
    for (const { id } of paymentEvents) await applyStripeEvent({ db: h.database.db, stripe: h.stripe, config: h.config }, id);

    expect((await h.donation(gift.id)).status).toBe('disputed');
    expect(await ledgerOf(gift.id)).toEqual(before.ledger);
  });

  it('a payment event that read the charge before a dispute was recorded reads again rather than apply its copy, and a later reading of that copy leaves the gift disputed', async () => {
    const gift = await aSucceededGift();
    // What a payment event's handler read from Stripe a moment before the dispute was recorded.
    const earlier = await StripeSnapshot.begin(h.database.db, h.stripe);
    const before = await earlier.fromStripe.charge(gift.stripe_charge_id!);
    await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: gift.stripe_charge_id });
    await h.settle();
    expect((await h.donation(gift.id)).status).toBe('disputed');
    const ledger = await ledgerOf(gift.id);

    const syncFrom = ({ number: stripeRead, fromStripe: stripe }: StripeSnapshot) =>
      h.database.db.transaction().execute(async (trx) => {
        const donation = await trx.selectFrom('donations').selectAll().where('id', '=', gift.id).forUpdate().executeTakeFirstOrThrow();
        const c = { trx, stripe, stripeRead, generalFundSlug: h.config.donations.generalFundSlug, timeZone: h.config.organisation.timeZone };
        return syncCharge(c, donation, before, 'the payment');
      });
    expect(before.disputed).toBe(false);
    await expect(syncFrom(earlier)).rejects.toBeInstanceOf(StaleStripeReads);
    // Numbered after the dispute's own reads, the old copy of the charge still cannot undo what the ledger holds.
    const later = await StripeSnapshot.begin(h.database.db, h.stripe);
    await expect(syncFrom(later)).resolves.toBe('disputed');
    expect((await h.donation(gift.id)).status).toBe('disputed');
    expect(await ledgerOf(gift.id)).toEqual(ledger);
  });

  it('a lost dispute takes the gift back, with Stripe’s dispute fee', async () => {
    const gift = await aSucceededGift();
    const dispute = await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: gift.stripe_charge_id });
    await h.settle();
    expect((await h.donation(gift.id)).status).toBe('disputed');

    await h.helper(`/_emulator/disputes/${dispute.id}/close`, { outcome: 'lost' });
    await h.settle();

    expect((await h.donation(gift.id)).status).toBe('disputed');
    const ledger = await ledgerOf(gift.id);
    expect(ledger.map((e) => [e.kind, e.amount, e.stripe_object_id])).toEqual([
      ['gift', 50000, gift.stripe_charge_id],
      ['dispute', -50000, dispute.id],
    ]);
    const disputeRow = ledger[1]!;
    // HK$85 per dispute, in the settlement currency.
    expect(disputeRow).toMatchObject({ settlement_currency: 'HKD', settlement_amount: -50000, fee: 8500, net: -58500 });
    expect(await campaignApi()).toMatchObject({ raised: { amount: 0 }, donors: 0 });
  });

  it('a won dispute gives the gift back: succeeded again, dispute and dispute_won rows, the total restored', async () => {
    const gift = await aSucceededGift();
    const dispute = await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: gift.stripe_charge_id });
    await h.settle();
    expect((await h.donation(gift.id)).status).toBe('disputed');

    await h.helper(`/_emulator/disputes/${dispute.id}/close`, { outcome: 'won' });
    await h.settle();

    expect((await h.donation(gift.id)).status).toBe('succeeded');
    const ledger = await ledgerOf(gift.id);
    expect(ledger.map((e) => [e.kind, e.amount, e.fee, e.stripe_object_id])).toEqual([
      ['gift', 50000, ledger[0]!.fee, gift.stripe_charge_id],
      ['dispute', -50000, 8500, dispute.id],
      ['dispute_won', 50000, -8500, dispute.id],
    ]);
    // The dispute cost nothing in the end: the fee came back with the money.
    expect(ledger[1]!.net + ledger[2]!.net).toBe(0);
    expect(await campaignApi()).toMatchObject({ raised: { amount: 50000 }, donors: 1 });
  });
});
