// The queries behind a round's restricted money: its spending (with receipt scans kept apart) and the
// transfers between rounds, written once and never changed, and summed per currency.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { LocalizedText } from '../../locale';
import type { FundTransfer, NewFundTransfer } from '../../tables/fund-transfers.table';
import type { NewRoundSpendingAttachment, RoundSpendingAttachment } from '../../tables/round-spending-attachments.table';
import type { NewRoundSpending, RoundSpending, SpendingCategory } from '../../tables/round-spending.table';

// Sums cast back to bigint, so that they come through server/database.ts's safe-integer guard like every amount.
const summed = sql<number>`sum(amount)::bigint`.as('amount');

export async function insertSpending(trx: Trx, row: NewRoundSpending): Promise<RoundSpending> {
  return trx.insertInto('round_spending').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertSpendingAttachment(trx: Trx, row: NewRoundSpendingAttachment): Promise<void> {
  await trx.insertInto('round_spending_attachments').values(row).execute();
}

/** A spending row of the round with whether a reversal has taken it back already; locked by the caller's lockRounds. */
export async function findSpendingOfRound(trx: Trx, campaignId: number, id: number) {
  return trx
    .selectFrom('round_spending as s')
    .leftJoin('round_spending as r', 'r.reverses_id', 's.id')
    .selectAll('s')
    .select('r.id as reversed_by_id')
    .where('s.campaign_id', '=', campaignId)
    .where('s.id', '=', id)
    .executeTakeFirst();
}

/** The receipt scan of a spending row of the round, bytes and all. */
export async function findSpendingAttachment(db: Db, campaignId: number, spendingId: number): Promise<RoundSpendingAttachment | undefined> {
  return db
    .selectFrom('round_spending_attachments as a')
    .innerJoin('round_spending as s', 's.id', 'a.spending_id')
    .selectAll('a')
    .where('s.campaign_id', '=', campaignId)
    .where('a.spending_id', '=', spendingId)
    .executeTakeFirst();
}

/** Every spending row of the round in the order recorded, with who recorded it, what reversed it, and its scan's name and size (never its bytes). */
export async function listSpending(db: Db, campaignId: number) {
  return db
    .selectFrom('round_spending as s')
    .leftJoin('round_spending as r', 'r.reverses_id', 's.id')
    .leftJoin('staff_members as m', 'm.id', 's.recorded_by')
    .leftJoin('round_spending_attachments as a', 'a.spending_id', 's.id')
    .select(['s.id', 's.category', 's.amount', 's.currency', 's.spent_on', 's.note', 's.reverses_id', 's.recorded_at', 'r.id as reversed_by_id', 'm.name as recorded_by_name'])
    .select(['a.filename as attachment_name', 'a.content_type as attachment_type', sql<number | null>`octet_length(a.content)`.as('attachment_bytes')])
    .where('s.campaign_id', '=', campaignId)
    .orderBy('s.id')
    .execute();
}

export type SpendingRow = Awaited<ReturnType<typeof listSpending>>[number];

/** Each round's spending, net of reversals, per currency. */
export async function sumSpending(db: Db, campaignIds: number[]) {
  if (campaignIds.length === 0) return [];
  return db.selectFrom('round_spending').select(['campaign_id', 'currency', summed]).where('campaign_id', 'in', campaignIds).groupBy(['campaign_id', 'currency']).execute();
}

/** The round's spending, net of reversals, per category and currency. */
export async function sumSpendingByCategory(db: Db, campaignId: number): Promise<Array<{ category: SpendingCategory; currency: string; amount: number }>> {
  return db.selectFrom('round_spending').select(['category', 'currency', summed]).where('campaign_id', '=', campaignId).groupBy(['category', 'currency']).execute();
}

export async function insertTransfer(trx: Trx, row: NewFundTransfer): Promise<FundTransfer> {
  return trx.insertInto('fund_transfers').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A transfer into or out of the round, with both rounds' addresses and whether a reversal has taken it back already. */
export async function findTransferOfRound(trx: Trx, campaignId: number, id: number) {
  return trx
    .selectFrom('fund_transfers as t')
    .innerJoin('campaigns as f', 'f.id', 't.from_campaign_id')
    .innerJoin('campaigns as d', 'd.id', 't.to_campaign_id')
    .leftJoin('fund_transfers as r', 'r.reverses_id', 't.id')
    .selectAll('t')
    .select(['r.id as reversed_by_id', 'f.slug as from_slug', 'd.slug as to_slug'])
    .where('t.id', '=', id)
    .where((eb) => eb.or([eb('t.from_campaign_id', '=', campaignId), eb('t.to_campaign_id', '=', campaignId)]))
    .executeTakeFirst();
}

/** Every transfer into or out of the round in the order recorded, with both rounds named. */
export async function listTransfers(db: Db, campaignId: number) {
  return db
    .selectFrom('fund_transfers as t')
    .innerJoin('campaigns as f', 'f.id', 't.from_campaign_id')
    .innerJoin('campaigns as d', 'd.id', 't.to_campaign_id')
    .leftJoin('fund_transfers as r', 'r.reverses_id', 't.id')
    .leftJoin('staff_members as m', 'm.id', 't.recorded_by')
    .select(['t.id', 't.from_campaign_id', 't.to_campaign_id', 't.amount', 't.currency', 't.note', 't.reverses_id', 't.recorded_at', 'r.id as reversed_by_id', 'm.name as recorded_by_name'])
    .select(['f.slug as from_slug', sql<LocalizedText>`f.title`.as('from_title'), 'd.slug as to_slug', sql<LocalizedText>`d.title`.as('to_title')])
    .where((eb) => eb.or([eb('t.from_campaign_id', '=', campaignId), eb('t.to_campaign_id', '=', campaignId)]))
    .orderBy('t.id')
    .execute();
}

export type TransferRow = Awaited<ReturnType<typeof listTransfers>>[number];

/** What each round sent to other rounds and received from them, net of reversals, per currency. */
export async function sumTransfers(db: Db, campaignIds: number[]) {
  if (campaignIds.length === 0) return { out: [], in: [] };
  const [out, into] = await Promise.all([
    db.selectFrom('fund_transfers').select(['from_campaign_id as campaign_id', 'currency', summed]).where('from_campaign_id', 'in', campaignIds).groupBy(['from_campaign_id', 'currency']).execute(),
    db.selectFrom('fund_transfers').select(['to_campaign_id as campaign_id', 'currency', summed]).where('to_campaign_id', 'in', campaignIds).groupBy(['to_campaign_id', 'currency']).execute(),
  ]);
  return { out, in: into };
}
