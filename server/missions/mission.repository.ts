// Missions: found by address, listed for staff, created and changed. A mission's row has no trigger of its
// own, so a change announces itself on the campaign cache's channel, which then forgets every page it kept:
// its title and summary stand on the mission page and on every round's page.
import { sql } from 'kysely';
import type { Db, Trx } from '../database';
import { campaignChangedChannel } from '../campaign-cache';
import type { LocalizedText } from '../locale';
import type { Mission } from '../tables/missions.table';

/** A mission's address: the shape the table's check constraint allows (anything else is no mission, never a failed query). */
export const isMissionSlug = (slug: unknown): slug is string => typeof slug === 'string' && slug.length <= 80 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug);

export async function findMissionBySlug(db: Db, slug: string): Promise<Mission | undefined> {
  if (!isMissionSlug(slug)) return undefined;
  return db.selectFrom('missions').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Every mission with how many rounds it has (drafts included), first created first. */
export async function listMissionsWithRounds(db: Db) {
  return db
    .selectFrom('missions')
    .leftJoin('campaigns', 'campaigns.mission_id', 'missions.id')
    .selectAll('missions')
    .select((eb) => eb.fn.count<string>('campaigns.id').as('rounds'))
    .groupBy('missions.id')
    .orderBy('missions.id')
    .execute();
}

export async function isMissionSlugInUse(db: Db, slug: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('missions').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** A mission's columns as the staff form sets them. */
export interface MissionColumns {
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  currency: string;
}

// pg sends a JavaScript object as JSON; the cast keeps Kysely's typing of the jsonb columns.
const jsonb = (value: LocalizedText) => sql<LocalizedText>`${JSON.stringify(value)}::jsonb`;
const stored = (columns: MissionColumns) => ({ ...columns, title: jsonb(columns.title), summary: jsonb(columns.summary) });

/** Told to every web process at commit: what it kept about missions and their rounds is stale. */
async function announceMissionChange(trx: Trx): Promise<void> {
  await sql`select pg_notify(${campaignChangedChannel}, 'mission')`.execute(trx);
}

export async function insertMission(trx: Trx, columns: MissionColumns): Promise<Mission> {
  const mission = await trx.insertInto('missions').values(stored(columns)).returningAll().executeTakeFirstOrThrow();
  await announceMissionChange(trx);
  return mission;
}

/** The mission, locked until the caller's transaction ends. */
export async function lockMission(trx: Trx, missionId: number): Promise<Mission | undefined> {
  return trx.selectFrom('missions').selectAll().where('id', '=', missionId).forUpdate().executeTakeFirst();
}

export async function updateMission(trx: Trx, missionId: number, columns: MissionColumns): Promise<Mission> {
  const mission = await trx.updateTable('missions').set(stored(columns)).where('id', '=', missionId).returningAll().executeTakeFirstOrThrow();
  await announceMissionChange(trx);
  return mission;
}
