// The queries behind refunds: what a gift still holds, and its refund requests.
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import type { Donation } from '../tables/donations.table';
import type { RefundRequest } from '../tables/refund-requests.table';

/** The gift's ledger rows in its own currency, summed: what it holds now as far as the ledger knows. */
export async function sumLedgerOfGift(db: Db, donation: Pick<Donation, 'id' | 'currency'>): Promise<number> {
  const { kept } = await db
    .selectFrom('ledger_entries')
    .select(sql<string>`coalesce(sum(amount), 0)`.as('kept'))
    .where('donation_id', '=', donation.id)
    .where('currency', '=', donation.currency)
    .executeTakeFirstOrThrow();
  return Number(kept);
}

/** Refunds sent or accepted whose ledger row has not come yet (`exceptAttempt` left out), summed. */
export async function sumUnconfirmedRefunds(db: Db, donationId: string, exceptAttempt?: number): Promise<number> {
  let pending = db
    .selectFrom('refund_requests')
    .select(sql<string>`coalesce(sum(amount), 0)`.as('pending'))
    .where('donation_id', '=', donationId)
    .where('status', 'in', ['requested', 'accepted'])
    .where((eb) =>
      eb.or([
        eb('stripe_refund_id', 'is', null),
        eb.not(eb.exists(eb.selectFrom('ledger_entries').select('ledger_entries.id').whereRef('ledger_entries.stripe_object_id', '=', 'refund_requests.stripe_refund_id'))),
      ]),
    );
  if (exceptAttempt !== undefined) pending = pending.where('attempt', '<>', exceptAttempt);
  const { pending: unconfirmed } = await pending.executeTakeFirstOrThrow();
  return Number(unconfirmed);
}

export function findLatestRefundRequest(db: Db, donationId: string): Promise<RefundRequest | undefined> {
  return db.selectFrom('refund_requests').selectAll().where('donation_id', '=', donationId).orderBy('attempt', 'desc').limit(1).executeTakeFirst();
}

export function findRefundRequest(db: Db, id: number): Promise<RefundRequest> {
  return db.selectFrom('refund_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export function findRefundRequestByAttempt(db: Db, donationId: string, attempt: number): Promise<RefundRequest | undefined> {
  return db.selectFrom('refund_requests').selectAll().where('donation_id', '=', donationId).where('attempt', '=', attempt).executeTakeFirst();
}

export function insertRefundRequest(trx: Trx, request: Pick<RefundRequest, 'donation_id' | 'attempt' | 'amount' | 'currency' | 'reason' | 'requested_by'>): Promise<RefundRequest> {
  return trx.insertInto('refund_requests').values(request).returningAll().executeTakeFirstOrThrow();
}

export function markRefundAccepted(db: Db, id: number, stripeRefundId: string): Promise<RefundRequest> {
  return db
    .updateTable('refund_requests')
    .set({ status: 'accepted', stripe_refund_id: stripeRefundId, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markRefundRefused(trx: Trx, id: number, failureMessage: string): Promise<void> {
  await trx.updateTable('refund_requests').set({ status: 'refused', failure_message: failureMessage, updated_at: sql`now()` }).where('id', '=', id).execute();
}
