// The impact updates the campaign dashboard names by id.
import type { Db } from '../../database';

/** The title of the campaign's update `updateId`, for the notice after posting it; undefined for another campaign's. */
export async function findUpdateTitle(db: Db, campaignId: number, updateId: number): Promise<string | undefined> {
  const row = await db.selectFrom('impact_updates').select('title').where('id', '=', updateId).where('campaign_id', '=', campaignId).executeTakeFirst();
  return row?.title;
}
