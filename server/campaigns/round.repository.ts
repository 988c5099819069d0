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
