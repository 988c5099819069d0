import type Stripe from 'stripe';
import { aGiftSession, startEmulatorHarness, type EmulatorHarness } from '../support/stripe-emulator';

const day = 24 * 60 * 60;

describe('the Stripe emulator moves the money finance reconciles: refunds, disputes, payouts', () => {
  let h: EmulatorHarness;
  beforeEach(async () => {
    h = await startEmulatorHarness();
  });
  afterEach(() => h.stop());

  /** A paid CNY 100.00 gift: HK$108.50 in the balance, less a HK$6.04 fee. */
  async function paidGift(cardNumber = '4242424242424242'): Promise<Stripe.Charge> {
    const session = await aGiftSession(h.stripe);
    await h.helper(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: cardNumber });
    const intent = await h.stripe.paymentIntents.retrieve(String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent));
    await h.emulator.webhooksSettled();
    h.newEventTypes();
    return h.stripe.charges.retrieve(String(intent.latest_charge));
  }

  it('refunds part of a gift and then the rest, out of the balance at the charge’s own rate', async () => {
    const charge = await paidGift();
    const partial = await h.stripe.refunds.create({ payment_intent: String(charge.payment_intent), amount: 3333, reason: 'requested_by_customer', metadata: { by: 'finance' } });
    expect(partial).toMatchObject({ status: 'succeeded', amount: 3333, currency: 'cny', charge: charge.id, metadata: { by: 'finance' } });
    await expect(h.stripe.refunds.create({ charge: charge.id, amount: 7000 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_large',
      param: 'amount',
      message: 'Refund amount (CN¥70.00) is greater than unrefunded amount on charge (CN¥66.67)',
    });
    const rest = await h.stripe.refunds.create({ charge: charge.id, expand: ['balance_transaction'] });
    expect(rest.amount).toBe(6667);
    await expect(h.stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });

    const partialTransaction = await h.stripe.balanceTransactions.retrieve(String(partial.balance_transaction));
    // 33.33 × 1.085 = 36.16305 → 3616; the rest takes what is left of 10850, so the refunds add up to the charge.
    expect(partialTransaction).toMatchObject({ type: 'refund', reporting_category: 'refund', amount: -3616, fee: 0, net: -3616, currency: 'hkd', exchange_rate: 1.085, source: partial.id });
    expect(rest.balance_transaction).toMatchObject({ amount: -7234, fee: 0, net: -7234 });
    expect(await h.stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 10000, refunded: true });
    expect((await h.stripe.refunds.list({ charge: charge.id })).data.map((refund) => refund.id)).toEqual([rest.id, partial.id]);

    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.created', 'charge.refunded', 'refund.updated', 'refund.created', 'charge.refunded', 'refund.updated']);
    const refunded = h.receiver.deliveries.find((event) => event.type === 'charge.refunded')?.data.object as Stripe.Charge;
    expect(refunded).toMatchObject({ amount_refunded: 3333, refunded: false });
  });

  it('refunds a whole Alipay gift in one go, the wallet’s confirmation following as refund.updated', async () => {
    const session = await aGiftSession(h.stripe, { allowed_payment_method_types: ['alipay'] });
    await h.helper(`/_emulator/checkout/sessions/${session.id}/pay`, { payment_method: 'alipay' });
    await h.emulator.webhooksSettled();
    h.newEventTypes();
    const intent = String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent);
    const refund = await h.stripe.refunds.create({ payment_intent: intent, expand: ['balance_transaction', 'charge'] });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 10000, destination_details: { type: 'alipay' } });
    expect(refund.balance_transaction).toMatchObject({ type: 'refund', amount: -10850, net: -10850 });
    expect(refund.charge).toMatchObject({ amount_refunded: 10000, refunded: true });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.created', 'charge.refunded', 'refund.updated']);
    const [created, , updated] = h.receiver.deliveries.slice(-3);
    expect((created?.data.object as Stripe.Refund).status).toBe('pending');
    expect(updated?.data.previous_attributes).toEqual({ status: 'pending' });
  });

  it('keeps a refund to Stripe’s pending-refund card pending until the bank answers, then succeeds it', async () => {
    const charge = await paidGift('4000000000007726');
    const refund = await h.stripe.refunds.create({ charge: charge.id });
    expect(refund).toMatchObject({ status: 'pending', pending_reason: 'processing', amount: 10000 });
    expect(refund.balance_transaction).toEqual(expect.stringMatching(/^txn_/));
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.created', 'charge.refunded']);
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe('pending');

    const settled = await h.helper<Stripe.Refund>(`/_emulator/refunds/${refund.id}/succeed`);
    expect(settled).toMatchObject({ status: 'succeeded', destination_details: { card: { reference_status: 'available' } } });
    expect(settled).not.toHaveProperty('pending_reason');
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.updated', 'charge.refund.updated']);
    expect(h.receiver.deliveries.at(-1)?.data.previous_attributes).toMatchObject({ status: 'pending' });
    await expect(h.helper(`/_emulator/refunds/${refund.id}/succeed`)).rejects.toMatchObject({ status: 400 });
  });

  it('fails a pending refund: the money comes back by its own balance transaction and the charge is no longer refunded', async () => {
    const charge = await paidGift('4000000000007726');
    const refund = await h.stripe.refunds.create({ charge: charge.id, amount: 4000 });
    await h.emulator.webhooksSettled();
    h.newEventTypes();
    const failed = await h.helper<Stripe.Refund>(`/_emulator/refunds/${refund.id}/fail`, { failure_reason: 'lost_or_stolen_card' });
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'lost_or_stolen_card', failure_balance_transaction: expect.stringMatching(/^txn_/) });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.updated', 'charge.refund.updated', 'refund.failed']);
    const update = h.receiver.deliveries.find((event) => event.type === 'refund.updated');
    expect(update?.data.previous_attributes).toEqual({ status: 'pending', pending_reason: 'processing', failure_balance_transaction: null, failure_reason: null });

    const out = await h.stripe.balanceTransactions.retrieve(String(refund.balance_transaction));
    const back = await h.stripe.balanceTransactions.retrieve(String(failed.failure_balance_transaction));
    expect(back).toMatchObject({ type: 'refund_failure', reporting_category: 'refund_failure', amount: -out.amount, fee: 0, source: refund.id });
    expect(await h.stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 0, refunded: false });
    // Refundable again, as the money is back.
    const again = await h.stripe.refunds.create({ charge: charge.id });
    expect(again.amount).toBe(10000);
    // Only a failed refund has a failure balance transaction; asking to expand it on the others is no error.
    const listed = await h.stripe.refunds.list({ charge: charge.id, expand: ['data.failure_balance_transaction'] });
    expect(listed.data.map((r) => [r.id, r.status, (r.failure_balance_transaction as Stripe.BalanceTransaction | undefined)?.type])).toEqual([
      [again.id, 'pending', undefined],
      [refund.id, 'failed', 'refund_failure'],
    ]);
    expect(listed.data[0]).not.toHaveProperty('failure_balance_transaction');
  });

  it('fails a refund to Stripe’s asynchronous-failure card by itself, a moment after it succeeded', async () => {
    const charge = await paidGift('4000000000005126');
    const refund = await h.stripe.refunds.create({ charge: charge.id });
    expect(refund.status).toBe('succeeded');
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.created', 'charge.refunded', 'refund.updated', 'refund.updated', 'charge.refund.updated', 'refund.failed']);
    expect(await h.stripe.refunds.retrieve(refund.id)).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
  });

  it('opens a dispute and wins it: the amount and the fee go out, then come back', async () => {
    const charge = await paidGift();
    const dispute = await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: charge.id, reason: 'fraudulent' });
    expect(dispute).toMatchObject({ status: 'needs_response', amount: 10000, currency: 'cny', charge: charge.id, reason: 'fraudulent', payment_intent: charge.payment_intent });
    expect(dispute.balance_transactions).toEqual([
      expect.objectContaining({ type: 'adjustment', reporting_category: 'dispute', amount: -10850, fee: 8500, net: -19350, currency: 'hkd', source: dispute.id }),
    ]);
    expect((await h.stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    await expect(h.stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_disputed' });

    const won = await h.helper<Stripe.Dispute>(`/_emulator/disputes/${dispute.id}/close`, { outcome: 'won' });
    expect(won.status).toBe('won');
    expect(won.balance_transactions[1]).toMatchObject({ reporting_category: 'dispute_reversal', amount: 10850, fee: -8500, net: 19350 });
    expect(await h.stripe.disputes.retrieve(dispute.id)).toMatchObject({ status: 'won' });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.funds_reinstated', 'charge.dispute.closed']);
  });

  it('opens a dispute and loses it: the funds stay withdrawn', async () => {
    const charge = await paidGift();
    const dispute = await h.helper<Stripe.Dispute>('/_emulator/disputes', { payment_intent: String(charge.payment_intent) });
    const lost = await h.helper<Stripe.Dispute>(`/_emulator/disputes/${dispute.id}/close`, { outcome: 'lost' });
    expect(lost).toMatchObject({ status: 'lost', reason: 'general' });
    expect(lost.balance_transactions).toHaveLength(1);
    expect((await h.stripe.disputes.list({ charge: charge.id })).data.map((d) => d.status)).toEqual(['lost']);
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.closed']);
  });

  it('pays out what is available, and lists the payout’s balance transactions', async () => {
    const first = await paidGift();
    const second = await paidGift();
    await h.stripe.refunds.create({ charge: second.id, amount: 1000 });
    await expect(h.helper('/_emulator/payouts')).rejects.toMatchObject({ status: 400, body: { error: { code: 'balance_insufficient' } } });

    await h.helper('/_emulator/advance_time', { seconds: 3 * day });
    const payout = await h.helper<Stripe.Payout>('/_emulator/payouts');
    // Two charges of 10850 less 604 in fees, less a refund of 10.00 CNY (1085).
    expect(payout).toMatchObject({ status: 'paid', currency: 'hkd', amount: 2 * 10246 - 1085, automatic: true });
    expect(payout.arrival_date).toBeGreaterThan(payout.created);

    const listed = await h.stripe.balanceTransactions.list({ payout: payout.id, limit: 100 });
    expect(listed.data.map((transaction) => transaction.type).sort()).toEqual(['charge', 'charge', 'payout', 'refund']);
    expect(listed.data.reduce((sum, transaction) => sum + transaction.net, 0)).toBe(0);
    expect(listed.data.find((transaction) => transaction.type === 'payout')).toMatchObject({ id: payout.balance_transaction, amount: -payout.amount, reporting_category: 'payout', source: payout.id });
    expect(listed.data.filter((transaction) => transaction.type === 'charge').map((transaction) => transaction.source).sort()).toEqual([first.id, second.id].sort());

    expect((await h.stripe.payouts.list({ status: 'paid' })).data.map((p) => p.id)).toEqual([payout.id]);
    expect((await h.stripe.payouts.retrieve(payout.id, { expand: ['balance_transaction'] })).balance_transaction).toMatchObject({ type: 'payout' });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['refund.created', 'charge.refunded', 'refund.updated', 'payout.created', 'payout.paid']);
    const created = h.receiver.deliveries.find((event) => event.type === 'payout.created')?.data.object as Stripe.Payout;
    expect(created.status).toBe('pending');
    await expect(h.helper('/_emulator/payouts')).rejects.toMatchObject({ status: 400 });
  });
});

describe('the Stripe emulator books a charge’s money after the charge, when asked to', () => {
  let h: EmulatorHarness;
  beforeAll(async () => {
    h = await startEmulatorHarness({ lateBalanceTransactions: { afterMs: 50 } });
  });
  afterAll(() => h.stop());

  it('sends charge.succeeded without a balance transaction, then charge.updated with it', async () => {
    const session = await aGiftSession(h.stripe);
    await h.helper(`/_emulator/checkout/sessions/${session.id}/pay`, { card_number: '4242424242424242' });
    await h.emulator.webhooksSettled();
    expect(h.newEventTypes()).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed', 'charge.updated']);
    const succeeded = h.receiver.deliveries.find((event) => event.type === 'charge.succeeded')?.data.object as Stripe.Charge;
    expect(succeeded).toMatchObject({ status: 'succeeded', balance_transaction: null });
    const updated = h.receiver.deliveries.find((event) => event.type === 'charge.updated');
    expect(updated?.data.previous_attributes).toEqual({ balance_transaction: null });
    const charge = await h.stripe.charges.retrieve(succeeded.id, { expand: ['balance_transaction'] });
    expect(charge.balance_transaction).toMatchObject({ type: 'charge', source: charge.id, amount: 10850, fee: 604, currency: 'hkd' });
    expect(updated?.data.object).toMatchObject({ id: charge.id, balance_transaction: (charge.balance_transaction as Stripe.BalanceTransaction).id });
  });
});
