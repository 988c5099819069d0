// The ledger rows of one donation, as the Stripe sync writes and sums them.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { LedgerKind, NewLedgerEntry } from '../../tables/ledger-entries.table';

/** The kinds of row the donation's ledger holds: a gift, refunds, disputes. */
export async function ledgerKindsOf(db: Db, donationId: string): Promise<Set<LedgerKind>> {
  const rows = await db.selectFrom('ledger_entries').select('kind').distinct().where('donation_id', '=', donationId).execute();
  return new Set(rows.map((row) => row.kind));
}

/**
 * Whether the ledger holds the gift paid through this PaymentIntent or invoice. A row once there stays, so an
 * event that could only bring the gift may skip asking Stripe, before or inside its transaction.
 */
export async function isGiftRecorded(db: Db, by: 'stripe_payment_intent_id' | 'stripe_invoice_id', id: string): Promise<boolean> {
  const found = await db
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select('ledger_entries.id')
    .where(`donations.${by}`, '=', id)
    .where('ledger_entries.kind', '=', 'gift')
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}

/** Whether the ledger holds the failure of a refund of the gift paid through this PaymentIntent: the refund, and the row that undid it. */
export async function isRefundFailureRecorded(db: Db, intentId: string, refundId: string): Promise<boolean> {
  const kinds = await db
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select('ledger_entries.kind')
    .where('donations.stripe_payment_intent_id', '=', intentId)
    .where('ledger_entries.stripe_object_id', '=', refundId)
    .execute();
  return kinds.some((row) => row.kind === 'refund') && kinds.some((row) => row.kind === 'refund_reversal');
}

export interface AddedEntry {
  kind: LedgerKind;
  stripe_object_id: string | null;
  amount: number;
  currency: string;
  occurred_at: Date;
}

/** Inserts the entries whose balance transaction is not in the ledger yet; returns those it added. */
export async function insertNewLedgerEntries(trx: Trx, entries: NewLedgerEntry[]): Promise<AddedEntry[]> {
  if (entries.length === 0) return [];
  return trx
    .insertInto('ledger_entries')
    .values(entries)
    .onConflict((oc) => oc.column('stripe_balance_transaction_id').doNothing())
    .returning(['kind', 'stripe_object_id', 'amount', 'currency', 'occurred_at'])
    .execute();
}

/** What the donation's ledger adds up to: its gifts alone, and everything kept after refunds and disputes. */
export async function sumLedgerOf(db: Db, donationId: string): Promise<{ given: number; kept: number }> {
  const { gifts, total } = await db
    .selectFrom('ledger_entries')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<string>(eb.case().when('kind', '=', 'gift').then(eb.ref('amount')).else(0).end()), sql<string>`0`).as('gifts'),
      eb.fn.coalesce(eb.fn.sum<string>('amount'), sql<string>`0`).as('total'),
    ])
    .where('donation_id', '=', donationId)
    .executeTakeFirstOrThrow();
  return { given: Number(gifts), kept: Number(total) };
}
