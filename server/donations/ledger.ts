// Brings the ledger in line with what Stripe says about one charge: the gift, its refunds, its disputes.
// Each balance transaction becomes one row, at most once, so any event about a charge may simply resync it.
import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Donation, DonationStatus, LedgerKind, NewLedgerEntry } from '../../db/schema';
import { issueReceipt, oweEmail } from '../receipts/issue';
import type { RecordingContext } from './record';

function entryFor(donation: Donation, kind: LedgerKind, amount: number, currency: string, objectId: string, bt: Stripe.BalanceTransaction): NewLedgerEntry {
  return {
    donation_id: donation.id,
    campaign_id: donation.campaign_id,
    kind,
    amount,
    currency: currency.toUpperCase(),
    settlement_amount: bt.amount,
    settlement_currency: bt.currency.toUpperCase(),
    fee: bt.fee,
    net: bt.net,
    // Stripe sends the rate as a JSON number; its shortest decimal text is the rate Stripe applied.
    exchange_rate: bt.exchange_rate === null ? null : String(bt.exchange_rate),
    stripe_balance_transaction_id: bt.id,
    stripe_object_id: objectId,
    occurred_at: new Date(bt.created * 1000),
  };
}

const expanded = <T extends { id: string }>(value: string | T | null | undefined): T | undefined => (typeof value === 'object' && value !== null ? value : undefined);

async function ledgerEntriesOf(stripe: Stripe, donation: Donation, charge: Stripe.Charge): Promise<{ entries: NewLedgerEntry[]; disputes: Stripe.Dispute[] }> {
  const [refunds, disputes] = await Promise.all([
    stripe.refunds.list({ charge: charge.id, limit: 100, expand: ['data.balance_transaction'] }),
    stripe.disputes.list({ charge: charge.id, limit: 100 }),
  ]);
  const entries: NewLedgerEntry[] = [];
  const giftTransaction = expanded<Stripe.BalanceTransaction>(charge.balance_transaction);
  if (charge.status === 'succeeded' && giftTransaction) entries.push(entryFor(donation, 'gift', charge.amount, charge.currency, charge.id, giftTransaction));
  for (const refund of refunds.data) {
    const bt = expanded<Stripe.BalanceTransaction>(refund.balance_transaction);
    if (bt) entries.push(entryFor(donation, 'refund', -refund.amount, refund.currency, refund.id, bt));
    if (refund.status === 'failed' && refund.failure_balance_transaction) {
      const failure = await stripe.balanceTransactions.retrieve(String(refund.failure_balance_transaction));
      entries.push(entryFor(donation, 'refund_reversal', refund.amount, refund.currency, refund.id, failure));
    }
  }
  for (const dispute of disputes.data) {
    for (const bt of dispute.balance_transactions) {
      const won = bt.reporting_category === 'dispute_reversal';
      entries.push(entryFor(donation, won ? 'dispute_won' : 'dispute', won ? dispute.amount : -dispute.amount, dispute.currency, dispute.id, bt));
    }
  }
  return { entries, disputes: disputes.data };
}

const disputeStillOpenOrLost = (dispute: Stripe.Dispute) => dispute.status !== 'won' && dispute.status !== 'warning_closed';

/** What a newly recorded row owes the donor, in the same transaction: a receipt for the gift, a notice for a refund. */
async function oweDonor(c: RecordingContext, donation: Donation, added: Array<{ kind: LedgerKind; stripe_object_id: string; amount: number; currency: string; occurred_at: Date }>) {
  for (const entry of added) {
    if (entry.kind === 'gift') await issueReceipt(c.trx, donation, entry.occurred_at, c.timeZone);
    if (entry.kind === 'refund' && donation.donor_id) {
      await oweEmail(c.trx, 'refund_notice', `refund-${entry.stripe_object_id}`, {
        donationId: donation.id,
        amount: -entry.amount,
        currency: entry.currency,
        refundedAt: entry.occurred_at.toISOString(),
      });
    }
  }
}

/**
 * Records every balance transaction of `chargeId` not yet in the ledger and sets the donation's
 * status from the ledger. The caller holds the donation's row lock, so two deliveries never race.
 */
export async function syncCharge(c: RecordingContext, donation: Donation, chargeId: string): Promise<DonationStatus> {
  const { trx, stripe } = c;
  const charge = await stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] });
  const { entries, disputes } = await ledgerEntriesOf(stripe, donation, charge);
  if (entries.length > 0) {
    const added = await trx
      .insertInto('ledger_entries')
      .values(entries)
      .onConflict((oc) => oc.column('stripe_balance_transaction_id').doNothing())
      .returning(['kind', 'stripe_object_id', 'amount', 'currency', 'occurred_at'])
      .execute();
    await oweDonor(c, donation, added);
  }

  const { gifts, total } = await trx
    .selectFrom('ledger_entries')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<string>(eb.case().when('kind', '=', 'gift').then(eb.ref('amount')).else(0).end()), sql<string>`0`).as('gifts'),
      eb.fn.coalesce(eb.fn.sum<string>('amount'), sql<string>`0`).as('total'),
    ])
    .where('donation_id', '=', donation.id)
    .executeTakeFirstOrThrow();
  const given = Number(gifts);
  const kept = Number(total);
  let status: DonationStatus = donation.status;
  if (disputes.some(disputeStillOpenOrLost)) status = 'disputed';
  else if (given > 0) status = kept <= 0 ? 'refunded' : kept < given ? 'partially_refunded' : 'succeeded';
  else if (charge.status === 'failed' && donation.status === 'pending') status = 'failed';

  await trx
    .updateTable('donations')
    .set({
      status,
      stripe_charge_id: charge.id,
      payment_method: charge.payment_method_details?.type ?? donation.payment_method,
      failure_message: charge.failure_message ?? null,
      succeeded_at: given > 0 ? (donation.succeeded_at ?? new Date(charge.created * 1000)) : donation.succeeded_at,
      updated_at: sql`now()`,
    })
    .where('id', '=', donation.id)
    .execute();
  return status;
}
