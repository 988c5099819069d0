// The rounds of a mission as donors see them: the mission a round belongs to, and its rounds in order.
import type { Db } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { Mission } from '../tables/missions.table';

export type MissionOfRound = Pick<Mission, 'id' | 'slug' | 'title'>;

export async function findMissionOfRound(db: Db, missionId: number): Promise<MissionOfRound | undefined> {
  return db.selectFrom('missions').select(['id', 'slug', 'title']).where('id', '=', missionId).executeTakeFirst();
}

/** The mission's rounds donors may see (never a draft), first to open first. */
export async function listPublicRounds(db: Db, missionId: number): Promise<Campaign[]> {
  return db.selectFrom('campaigns').selectAll().where('mission_id', '=', missionId).where('status', '<>', 'draft').orderBy('starts_at').orderBy('id').execute();
}

/**
 * What the round's published report says (server/missions/rounds/report.ts publishes it); undefined before it
 * reports. Read here rather than from missions/rounds, which imports this folder: the two would import each other.
 */
export async function findRoundReport(db: Db, campaignId: number) {
  return db
    .selectFrom('round_reports')
    .select(['currency', 'income', 'givers', 'children_operated', 'speech_therapy_sessions', 'procedures', 'published_at'])
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
}
