// Factories for rows as the Stripe event handlers would have left them, written straight into the
// database: for tests of what is read from the ledger (totals, the campaign API), not of how it is written.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../server/database';
import type { Donation } from '../../server/tables/donations.table';
import type { LedgerKind, NewLedgerEntry } from '../../server/tables/ledger-entries.table';
import type { RecurringPlanStatus } from '../../server/tables/recurring-plans.table';
import { testNow } from './clock';

const stripeId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export async function campaignId(db: Db, slug: string): Promise<number> {
  return (await db.selectFrom('campaigns').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}

export async function aDonorRow(db: Db, email: string, name: string | null = null): Promise<number> {
  return (await db.insertInto('donors').values({ email, name }).returning('id').executeTakeFirstOrThrow()).id;
}

export interface PaidGift {
  campaignId: number;
  donorId: number | null;
  /** Minor units of currency, as the donor gave it. */
  amount: number;
  currency: string;
  /** What Stripe put in our balance, gross of the fee; the same as the gift when not given. */
  settlement?: { amount: number; currency: string; rate?: string };
  fee?: number;
  occurredAt?: Date;
  frequency?: Donation['frequency'];
  planId?: string;
  name?: string;
  anonymous?: boolean;
}

/** A succeeded donation and its one gift ledger entry. */
export async function aPaidGift(db: Db, gift: PaidGift): Promise<Donation> {
  const occurredAt = gift.occurredAt ?? testNow;
  const donation = await db
    .insertInto('donations')
    .values({
      campaign_id: gift.campaignId,
      donor_id: gift.donorId,
      recurring_plan_id: gift.planId ?? null,
      frequency: gift.frequency ?? 'once',
      amount: gift.amount,
      currency: gift.currency,
      status: 'succeeded',
      origin: 'checkout',
      donor_name: gift.name ?? null,
      anonymous: gift.anonymous ?? false,
      payment_method: 'card',
      stripe_payment_intent_id: stripeId('pi'),
      stripe_charge_id: stripeId('ch'),
      succeeded_at: occurredAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await aLedgerEntry(db, donation, { kind: 'gift', amount: gift.amount, settlement: gift.settlement, fee: gift.fee, occurredAt });
  return donation;
}

type Movement = { kind: LedgerKind; amount: number; settlement?: { amount: number; currency: string; rate?: string }; fee?: number; occurredAt?: Date };

/** The ledger row of one movement of a donation's money: a refund or dispute is negative, in the donation's currency. */
export function ledgerRow(donation: Pick<Donation, 'id' | 'campaign_id' | 'currency'>, entry: Movement): NewLedgerEntry {
  const settlement = entry.settlement ?? { amount: entry.amount, currency: donation.currency };
  const fee = entry.fee ?? 0;
  return {
    donation_id: donation.id,
    campaign_id: donation.campaign_id,
    kind: entry.kind,
    amount: entry.amount,
    currency: donation.currency,
    settlement_amount: settlement.amount,
    settlement_currency: settlement.currency,
    fee,
    net: settlement.amount - fee,
    exchange_rate: settlement.rate ?? null,
    stripe_balance_transaction_id: stripeId('txn'),
    stripe_object_id: stripeId(entry.kind === 'gift' ? 'ch' : entry.kind.startsWith('refund') ? 're' : 'dp'),
    occurred_at: entry.occurredAt ?? testNow,
  };
}

/** One more movement of a donation's money, written on its own. */
export async function aLedgerEntry(db: Db, donation: Pick<Donation, 'id' | 'campaign_id' | 'currency'>, entry: Movement): Promise<void> {
  await db.insertInto('ledger_entries').values(ledgerRow(donation, entry)).execute();
}

export async function aRecurringPlan(db: Db, plan: { campaignId: number; donorId: number; amount: number; currency: string; status: RecurringPlanStatus }): Promise<string> {
  const row = await db
    .insertInto('recurring_plans')
    .values({ campaign_id: plan.campaignId, donor_id: plan.donorId, amount: plan.amount, currency: plan.currency, interval: 'month', status: plan.status, stripe_subscription_id: stripeId('sub') })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * campaign_totals and campaign_givers as the triggers keep them, beside the same figures counted
 * afresh from the ledger: the two halves of each pair must be equal.
 */
export async function keptAndRecountedTotals(db: Db) {
  const [keptSums, recountedSums, keptGivers, recountedGivers] = await Promise.all([
    sql<{ key: string }>`select concat_ws(' ', campaign_id, currency, settlement_currency, sum(amount), sum(settlement_amount)) as key from campaign_totals group by campaign_id, currency, settlement_currency order by 1`.execute(db),
    sql<{ key: string }>`select concat_ws(' ', campaign_id, currency, settlement_currency, sum(amount), sum(settlement_amount)) as key from ledger_entries group by campaign_id, currency, settlement_currency order by 1`.execute(db),
    sql<{ key: string }>`select concat_ws(' ', campaign_id, who, donations) as key from campaign_givers where donations > 0 order by 1`.execute(db),
    sql<{ key: string }>`
      select concat_ws(' ', l.campaign_id, coalesce(d.donor_id::text, d.id::text), count(*)) as key
      from (select campaign_id, donation_id from ledger_entries group by 1, 2 having sum(amount) > 0) l
      join donations d on d.id = l.donation_id group by l.campaign_id, coalesce(d.donor_id::text, d.id::text) order by 1`.execute(db),
  ]);
  const keys = (result: { rows: Array<{ key: string }> }) => result.rows.map((row) => row.key);
  return { sums: [keys(keptSums), keys(recountedSums)], givers: [keys(keptGivers), keys(recountedGivers)] };
}
