// Brings the ledger in line with what Stripe says about one charge: the gift, its refunds, its disputes.
// Each balance transaction becomes one row, at most once, so any event about a charge may simply resync it.
import type Stripe from 'stripe';
import type { Donation, DonationStatus } from '../../tables/donations.table';
import type { LedgerKind, NewLedgerEntry } from '../../tables/ledger-entries.table';
import { convertAtRate } from '../../money';
import { bringReceiptInLine, issueReceipt } from '../../receipts/issue';
import { oweEmail } from '../../outbox/outbox.repository';
import { recordConsentOfPaidGift } from '../../impact/consent';
import { nameDonorFromPaidGift, updateDonationFromCharge } from '../donation.repository';
import { ledgerKindsOf, insertNewLedgerEntries, sumLedgerOf, type AddedEntry } from './ledger.repository';
import type { RecordingContext } from './recording-context';
import { requireFreshReads, type StripeReads } from './stripe-reads';

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

/**
 * What one of a dispute's balance transactions moved, in the gift's currency. Usually the whole
 * disputed amount goes out once and, if won, comes back once: then it is the dispute's own amount,
 * exact. A partial withdrawal or reinstatement is taken back through Stripe's own rate.
 */
function disputedAmount(dispute: Stripe.Dispute, bt: Stripe.BalanceTransaction): number {
  const sign = Math.sign(bt.amount);
  const withdrawals = dispute.balance_transactions.filter((t) => t.amount < 0);
  const wholeAmount = withdrawals.length === 1 ? -withdrawals[0]!.amount : undefined;
  if (Math.abs(bt.amount) === wholeAmount) return sign * dispute.amount;
  if (bt.currency === dispute.currency) return bt.amount;
  if (bt.exchange_rate) return convertAtRate({ amount: bt.amount, currency: bt.currency.toUpperCase() }, dispute.currency.toUpperCase(), String(bt.exchange_rate), { inverse: true }).amount;
  return sign * dispute.amount;
}

const expanded = <T extends { id: string }>(value: string | T | null | undefined): T | undefined => (typeof value === 'object' && value !== null ? value : undefined);

async function ledgerEntriesOf(stripe: StripeReads, donation: Donation, charge: Stripe.Charge, toList: { refunds: boolean; disputes: boolean }): Promise<{ entries: NewLedgerEntry[]; disputes: Stripe.Dispute[] }> {
  const [refunds, disputes] = await Promise.all([toList.refunds ? stripe.refundsOfCharge(charge.id) : [], toList.disputes ? stripe.disputesOfCharge(charge.id) : []]);
  const entries: NewLedgerEntry[] = [];
  const giftTransaction = expanded<Stripe.BalanceTransaction>(charge.balance_transaction);
  // Stripe may capture in the background: a charge can succeed a moment before its balance transaction
  // exists. The gift waits for it: Stripe sends charge.updated when it comes, and that records the gift.
  if (charge.status === 'succeeded' && giftTransaction) entries.push(entryFor(donation, 'gift', charge.amount, charge.currency, charge.id, giftTransaction));
  for (const refund of refunds) {
    const bt = expanded<Stripe.BalanceTransaction>(refund.balance_transaction);
    if (bt) entries.push(entryFor(donation, 'refund', -refund.amount, refund.currency, refund.id, bt));
    if (refund.status === 'failed' && refund.failure_balance_transaction) {
      const failure = await stripe.balanceTransaction(String(refund.failure_balance_transaction));
      entries.push(entryFor(donation, 'refund_reversal', refund.amount, refund.currency, refund.id, failure));
    }
  }
  for (const dispute of disputes) {
    for (const bt of dispute.balance_transactions) {
      const amount = disputedAmount(dispute, bt);
      if (amount !== 0) entries.push(entryFor(donation, amount < 0 ? 'dispute' : 'dispute_won', amount, dispute.currency, dispute.id, bt));
    }
  }
  return { entries, disputes };
}

const disputeStillOpenOrLost = (dispute: Stripe.Dispute) => dispute.status !== 'won' && dispute.status !== 'warning_closed';

/**
 * What newly recorded rows owe the donor, in the same transaction: a receipt for the gift; for a refund or
 * a dispute, a receipt that says what the gift kept (see bringReceiptInLine). A refund owes a notice that
 * cites the receipt it voided and its replacement; money coming back owes the replacement's receipt.
 */
async function oweDonor(c: RecordingContext, donation: Donation, added: AddedEntry[], kept: number) {
  const gift = added.find((entry) => entry.kind === 'gift');
  if (gift) await issueReceipt(c.trx, { id: donation.id, amount: gift.amount, currency: gift.currency }, gift.occurred_at, c.timeZone);
  const changes = added.filter((entry) => entry.kind !== 'gift');
  if (changes.length === 0) return;
  const at = new Date(Math.max(...changes.map((entry) => entry.occurred_at.getTime())));
  const refunded = changes.some((entry) => entry.kind === 'refund');
  const change = await bringReceiptInLine(c.trx, donation.id, { amount: Math.max(kept, 0), currency: donation.currency }, at, refunded ? 'refund' : 'dispute', c.timeZone);
  if (!change) return;
  if (change.voided?.void_reason === 'refund' && donation.donor_id) await oweEmail(c.trx, 'refund_notice', `refund-notice-${change.voided!.id}`, { receiptId: change.voided!.id });
  else if (change.replacement) await oweEmail(c.trx, 'receipt', `receipt-${change.replacement.id}`, { receiptId: change.replacement.id });
}

/**
 * What an event about a charge looks up at Stripe besides the charge: an event about the payment itself
 * ('the payment') nothing, unless the charge shows refunds or a dispute; the events of each refund and
 * dispute their own kind (a refund that failed leaves no trace on the charge but its own).
 */
export type ChargeHistory = 'the payment' | 'refunds' | 'disputes';

/** Which of the charge's lists to read, from the charge and what the ledger already holds of it. */
export function historyToList(charge: Stripe.Charge, lookUp: ChargeHistory, recorded: ReadonlySet<LedgerKind> = new Set()): { refunds: boolean; disputes: boolean } {
  return {
    refunds: lookUp === 'refunds' || charge.refunded || charge.amount_refunded > 0 || recorded.has('refund') || recorded.has('refund_reversal'),
    disputes: lookUp === 'disputes' || charge.disputed || recorded.has('dispute') || recorded.has('dispute_won'),
  };
}

/**
 * Records every balance transaction of the charge not yet in the ledger and sets the donation's status
 * from the ledger. The caller holds the donation's row lock, so two deliveries never race. A charge
 * already read with its balance transaction expanded is used as it is. A donation already synced from
 * later reads than these makes the transaction read Stripe again (its disputes may have moved on).
 */
export async function syncCharge(c: RecordingContext, donation: Donation, chargeOrId: string | Stripe.Charge, lookUp: ChargeHistory): Promise<DonationStatus> {
  const { trx, stripe } = c;
  requireFreshReads(donation, c.stripeRead, `donation ${donation.id}`);
  const charge = typeof chargeOrId === 'string' ? await stripe.charge(chargeOrId) : chargeOrId;
  // The charge was read before the donation's lock was taken, and a refund or dispute may have been
  // recorded since: the ledger, read under the lock, says so even when that copy of the charge does not.
  const toList = historyToList(charge, lookUp, await ledgerKindsOf(trx, donation.id));
  const { entries, disputes } = await ledgerEntriesOf(stripe, donation, charge, toList);
  const succeededAt = donation.succeeded_at ?? new Date(charge.created * 1000);
  // Paid, so the gift may name its donor; before the rows below lock the campaign's totals.
  if (entries.some((entry) => entry.kind === 'gift')) await nameDonorFromPaidGift(trx, donation, succeededAt);
  const added = await insertNewLedgerEntries(trx, entries);
  const addedGift = added.find((entry) => entry.kind === 'gift');
  if (addedGift) {
    // The donor's yes to news counts once the gift is paid: a checkout abandoned unpaid agreed to nothing.
    await recordConsentOfPaidGift(trx, donation);
    c.giftsRecorded?.push({ currency: addedGift.currency, paidAt: new Date(charge.created * 1000) });
  }
  const { given, kept } = await sumLedgerOf(trx, donation.id);
  let status: DonationStatus = donation.status;
  if (disputes.some(disputeStillOpenOrLost)) status = 'disputed';
  else if (given > 0) status = kept <= 0 ? 'refunded' : kept < given ? 'partially_refunded' : 'succeeded';
  else if (charge.status === 'failed' && donation.status === 'pending') status = 'failed';

  await updateDonationFromCharge(trx, donation.id, {
    status,
    chargeId: charge.id,
    paymentMethod: charge.payment_method_details?.type ?? donation.payment_method,
    failureMessage: charge.failure_message ?? null,
    succeededAt: given > 0 ? succeededAt : donation.succeeded_at,
    stripeRead: c.stripeRead,
  });
  // Last, because numbering a receipt holds the year's counter until the transaction ends.
  await oweDonor(c, donation, added, kept);
  return status;
}
