import { sql, type Kysely } from 'kysely';

// Money finance records by hand may arrive in another currency than it was given in: a US$ cheque or a
// yuan transfer that the bank credits to a Hong Kong dollar account. Finance then records what the bank
// credited, and the row keeps that as its settlement with the rate it implies, as a Stripe row keeps
// Stripe's: so every gift can be counted in a mission's currency at a rate someone recorded. Still no fee.
const offlineAsGiven = `settlement_currency = currency and settlement_amount = amount and exchange_rate is null`;
const offlineCredited = `settlement_currency <> currency and exchange_rate is not null and sign(settlement_amount) = sign(amount)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ledger_entries drop constraint ledger_entries_source_whole`.execute(db);
  await sql
    .raw(
      `alter table ledger_entries add constraint ledger_entries_source_whole check (
        (source = 'stripe' and stripe_object_id is not null and method is null and recorded_by is null)
        or (source = 'offline' and stripe_object_id is null and stripe_balance_transaction_id is null and method is not null and recorded_by is not null
            and fee = 0 and net = settlement_amount and ((${offlineAsGiven}) or (${offlineCredited})))
      )`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Fails while an offline row credited in another currency exists: such a row cannot be made to say less.
  await sql`alter table ledger_entries drop constraint ledger_entries_source_whole`.execute(db);
  await sql
    .raw(
      `alter table ledger_entries add constraint ledger_entries_source_whole check (
        (source = 'stripe' and stripe_object_id is not null and method is null and recorded_by is null)
        or (source = 'offline' and stripe_object_id is null and stripe_balance_transaction_id is null and method is not null and recorded_by is not null
            and ${offlineAsGiven} and fee = 0)
      )`,
    )
    .execute(db);
}
