import type { Db } from '../../db/index';
import type { Campaign, CampaignPreset } from '../../db/schema';

export async function listLiveCampaigns(db: Db): Promise<Campaign[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'live')
    .orderBy('ends_at', (ob) => ob.asc().nullsLast())
    .orderBy('id')
    .execute();
}

/** A campaign donors may see: live or closed, never a draft. */
export async function findPublicCampaign(db: Db, slug: string): Promise<Campaign | undefined> {
  // The shape the table's check constraint allows; anything else (a NUL byte would fail the query) is no campaign.
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 80) return undefined;
  return db.selectFrom('campaigns').selectAll().where('slug', '=', slug).where('status', '<>', 'draft').executeTakeFirst();
}

export async function listPresets(db: Db, campaignId: number): Promise<CampaignPreset[]> {
  return db.selectFrom('campaign_presets').selectAll().where('campaign_id', '=', campaignId).orderBy('position').execute();
}

/** Every campaign donors may see, live ones first. */
export async function listPublicCampaigns(db: Db): Promise<Campaign[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '<>', 'draft')
    .orderBy((eb) => eb.case().when('status', '=', 'live').then(0).else(1).end())
    .orderBy('ends_at', (ob) => ob.desc().nullsFirst())
    .orderBy('id')
    .execute();
}

export async function findCampaignBySlug(db: Db, slug: string): Promise<Campaign | undefined> {
  return db.selectFrom('campaigns').selectAll().where('slug', '=', slug).executeTakeFirst();
}
