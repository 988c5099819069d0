// The ledger side of a payout: our rows for the balance transactions Stripe says it paid out.
import { sql } from 'kysely';
import type { Db } from '../../database';
import { localize } from '../../locale';
import type { LedgerRowForMatching } from './payout-matching';

/** Our ledger rows for these balance transactions, with each donation's campaign and donor. */
export async function listLedgerRowsForTransactions(db: Db, transactionIds: string[]): Promise<LedgerRowForMatching[]> {
  if (transactionIds.length === 0) return [];
  const rows = await db
    .selectFrom('ledger_entries')
    .innerJoin('campaigns', 'campaigns.id', 'ledger_entries.campaign_id')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .select([
      'ledger_entries.id',
      'ledger_entries.stripe_balance_transaction_id',
      'ledger_entries.kind',
      'ledger_entries.donation_id',
      'ledger_entries.campaign_id',
      'campaigns.slug as campaign_slug',
      'campaigns.title as campaign_title',
      'ledger_entries.amount',
      sql<string>`trim(ledger_entries.currency)`.as('currency'),
      'ledger_entries.settlement_amount',
      sql<string>`trim(ledger_entries.settlement_currency)`.as('settlement_currency'),
      'ledger_entries.fee',
      'ledger_entries.net',
      sql<string | null>`coalesce(donations.donor_name, donors.name)`.as('donor_name'),
      'donors.email as donor_email',
    ])
    .where('ledger_entries.stripe_balance_transaction_id', 'in', transactionIds)
    .execute();
  return rows.map((row) => ({ ...row, stripe_balance_transaction_id: row.stripe_balance_transaction_id!, campaign_title: localize(row.campaign_title, 'en') }));
}
