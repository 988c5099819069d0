// Campaigns as donors and staff read them, their presets and recent gifts, and what the donate form refills from.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { CampaignPreset } from '../tables/campaign-presets.table';
import { isUuid } from '../http/params';

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

/** Every campaign, drafts too, as the staff list shows them: live first, then drafts, then closed; newest first within each. */
export async function listCampaignsForStaff(db: Db): Promise<Campaign[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .orderBy((eb) => eb.case().when('status', '=', 'live').then(0).when('status', '=', 'draft').then(1).else(2).end())
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export interface PublicGift {
  name: string | null;
  amount: number;
  currency: string;
  message: string | null;
  frequency: string;
  givenAt: Date;
}

/**
 * The latest gifts that went through, as the campaign page shows them: a name only when the donor allowed it,
 * a message only when staff have not hidden it and, on a campaign that holds messages, have approved it.
 */
export async function recentGifts(db: Db, campaignId: number, limit = 10): Promise<PublicGift[]> {
  const rows = await db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .select(['donor_name', 'anonymous', 'amount', 'currency', 'frequency', 'succeeded_at'])
    .select((eb) =>
      eb
        .case()
        .when(eb.and([eb('message_hidden_at', 'is', null), eb.or([eb('campaigns.hold_messages', '=', false), eb('message_approved_at', 'is not', null)])]))
        .then(eb.ref('message'))
        .else(null)
        .end()
        .as('message'),
    )
    .where('donations.campaign_id', '=', campaignId)
    .where('donations.status', 'in', ['succeeded', 'partially_refunded'])
    .orderBy('succeeded_at', 'desc')
    .orderBy('donations.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    name: row.anonymous ? null : row.donor_name,
    amount: row.amount,
    currency: row.currency,
    message: row.message,
    frequency: row.frequency,
    givenAt: row.succeeded_at ?? new Date(0),
  }));
}

/**
 * The gift a retry link names, and whether it began within `keptSeconds`: measured against PostgreSQL's
 * now(), which wrote created_at, as every link's expiry is (the injected clock may be set to another day).
 */
export async function findRetriedDonation(db: Db, id: string, keptSeconds: number) {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('donations')
    .selectAll()
    .select(sql<boolean>`created_at > now() - make_interval(secs => ${keptSeconds})`.as('recent'))
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findDonorEmail(db: Db, donorId: number): Promise<string | undefined> {
  const row = await db.selectFrom('donors').select('email').where('id', '=', donorId).executeTakeFirst();
  return row?.email;
}
