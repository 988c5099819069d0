// The rounds of a mission as donors see them: the mission a round belongs to, and its rounds in order.
import type { Db } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { Mission } from '../tables/missions.table';
import type { RoundReport } from '../tables/round-reports.table';

export type MissionOfRound = Pick<Mission, 'id' | 'slug' | 'title'>;

export async function findMissionOfRound(db: Db, missionId: number): Promise<MissionOfRound | undefined> {
  return db.selectFrom('missions').select(['id', 'slug', 'title']).where('id', '=', missionId).executeTakeFirst();
}

/** The mission's rounds donors may see (never a draft), first to open first. */
export async function listPublicRounds(db: Db, missionId: number): Promise<Campaign[]> {
  return db.selectFrom('campaigns').selectAll().where('mission_id', '=', missionId).where('status', '<>', 'draft').orderBy('starts_at').orderBy('id').execute();
}

/**
 * The round's published report (server/missions/rounds/report.ts publishes it); undefined before it reports.
 * Kept here, below missions/rounds, so that the round's page, the staff forms and finance read it too.
 */
export async function findRoundReport(db: Db, campaignId: number): Promise<RoundReport | undefined> {
  return db.selectFrom('round_reports').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
}

/** The reports of these rounds, by campaign. */
export async function findRoundReports(db: Db, campaignIds: number[]): Promise<Map<number, RoundReport>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db.selectFrom('round_reports').selectAll().where('campaign_id', 'in', campaignIds).execute();
  return new Map(rows.map((row) => [row.campaign_id, row]));
}
