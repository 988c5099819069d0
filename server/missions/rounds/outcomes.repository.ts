// The queries behind what a round achieved: outcome rows written once and never changed, listed and summed.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { NewRoundOutcome, OutcomeKind, RoundOutcome } from '../../tables/round-outcomes.table';

export async function insertOutcome(trx: Trx, row: NewRoundOutcome): Promise<RoundOutcome> {
  return trx.insertInto('round_outcomes').values(row).returningAll().executeTakeFirstOrThrow();
}

/** An outcome row of the round with whether a reversal has taken it back already; locked by the caller's lockRounds. */
export async function findOutcomeOfRound(trx: Trx, campaignId: number, id: number) {
  return trx
    .selectFrom('round_outcomes as o')
    .leftJoin('round_outcomes as r', 'r.reverses_id', 'o.id')
    .selectAll('o')
    .select('r.id as reversed_by_id')
    .where('o.campaign_id', '=', campaignId)
    .where('o.id', '=', id)
    .executeTakeFirst();
}

/** Every outcome row of the round in the order recorded, with who recorded it and what reversed it. */
export async function listOutcomes(db: Db, campaignId: number) {
  return db
    .selectFrom('round_outcomes as o')
    .leftJoin('round_outcomes as r', 'r.reverses_id', 'o.id')
    .leftJoin('staff_members as m', 'm.id', 'o.recorded_by')
    .select(['o.id', 'o.kind', 'o.label', 'o.count', 'o.note', 'o.reverses_id', 'o.recorded_at', 'r.id as reversed_by_id', 'm.name as recorded_by_name'])
    .where('o.campaign_id', '=', campaignId)
    .orderBy('o.id')
    .execute();
}

export type OutcomeRow = Awaited<ReturnType<typeof listOutcomes>>[number];

/** The round's counts net of reversals, per kind and (for other operations) label; labels that differ only in case count as one. */
export async function sumOutcomes(db: Db, campaignId: number): Promise<Array<{ kind: OutcomeKind; label: string | null; count: number }>> {
  // Labels are one line already (the form makes every run of spaces one).
  const sameLabel = sql<string | null>`lower(label)`;
  return db
    .selectFrom('round_outcomes')
    .select(['kind', sql<string | null>`min(label)`.as('label'), sql<number>`sum(count)::bigint`.as('count')])
    .where('campaign_id', '=', campaignId)
    .groupBy(['kind', sameLabel])
    .orderBy('kind')
    .orderBy(sql`min(label)`)
    .execute();
}
