// The ledger rows of one donation, as the Stripe sync writes and sums them.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { LedgerKind, NewLedgerEntry } from '../../tables/ledger-entries.table';

/** True when the donation's ledger holds anything besides the gift itself: a refund, a dispute. */
export async function hasEntriesBesidesGift(db: Db, donationId: string): Promise<boolean> {
  const found = await db.selectFrom('ledger_entries').select('id').where('donation_id', '=', donationId).where('kind', '<>', 'gift').limit(1).executeTakeFirst();
  return found !== undefined;
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
