// What saving the campaign form reads and writes: the campaign's row, its presets, and the checks made first.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import type { Campaign, CampaignStatus } from '../../tables/campaigns.table';
import type { CampaignPreset } from '../../tables/campaign-presets.table';
import type { LocalizedText } from '../../locale';
import type { Mission } from '../../tables/missions.table';

/** A campaign's columns as the form sets them. */
export interface CampaignColumns {
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  story: LocalizedText;
  status: CampaignStatus;
  closed_at: Date | null;
  target_amount: number;
  target_currency: string;
  accepted_currencies: string[];
  starts_at: Date;
  ends_at: Date | null;
  cost_unit_amount: number | null;
  cost_unit_label: LocalizedText | null;
  cover_image_url: string | null;
  mission_id: number | null;
  hold_messages: boolean;
}

export interface PresetColumns {
  currency: string;
  amount: number;
  label: LocalizedText | null;
}

// pg sends a JavaScript object as JSON; the casts keep Kysely's typing of the jsonb columns.
const jsonb = (value: LocalizedText) => sql<LocalizedText>`${JSON.stringify(value)}::jsonb`;

function storedColumns(columns: CampaignColumns) {
  return {
    ...columns,
    title: jsonb(columns.title),
    summary: jsonb(columns.summary),
    story: jsonb(columns.story),
    cost_unit_label: columns.cost_unit_label === null ? null : jsonb(columns.cost_unit_label),
  };
}

export type MissionChoice = Pick<Mission, 'id' | 'title'>;

/** The missions a campaign may be made a round of, first created first: the form's choice. */
export async function listMissionChoices(db: Db): Promise<MissionChoice[]> {
  return db.selectFrom('missions').select(['id', 'title']).orderBy('id').execute();
}

export async function isSlugInUse(db: Db, slug: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('campaigns').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertCampaign(db: Db, columns: CampaignColumns): Promise<Campaign> {
  return db.insertInto('campaigns').values(storedColumns(columns)).returningAll().executeTakeFirstOrThrow();
}

/** The campaign, locked until the caller's transaction ends. */
export async function lockCampaign(trx: Trx, campaignId: number): Promise<Campaign> {
  return trx.selectFrom('campaigns').selectAll().where('id', '=', campaignId).forUpdate().executeTakeFirstOrThrow();
}

export async function hasDonations(db: Db, campaignId: number): Promise<boolean> {
  return (await db.selectFrom('donations').select('id').where('campaign_id', '=', campaignId).limit(1).executeTakeFirst()) !== undefined;
}

/** Whether a round's restricted money or outcomes are on record, or gifts have moved off it: what ties it to its mission. */
export async function hasRoundRecords(db: Db, campaignId: number): Promise<boolean> {
  const found = await db
    .selectNoFrom((eb) =>
      eb
        .or([
          eb.exists(eb.selectFrom('round_spending').select('id').where('campaign_id', '=', campaignId)),
          eb.exists(eb.selectFrom('round_outcomes').select('id').where('campaign_id', '=', campaignId)),
          eb.exists(eb.selectFrom('fund_transfers').select('id').where((w) => w.or([w('from_campaign_id', '=', campaignId), w('to_campaign_id', '=', campaignId)]))),
          eb.exists(eb.selectFrom('recurring_plan_moves').select('id').where((w) => w.or([w('from_campaign_id', '=', campaignId), w('to_campaign_id', '=', campaignId)]))),
        ])
        .as('found'),
    )
    .executeTakeFirstOrThrow();
  return Boolean(found.found);
}

export async function updateCampaignColumns(db: Db, campaignId: number, columns: CampaignColumns): Promise<Campaign> {
  return db
    .updateTable('campaigns')
    .set({ ...storedColumns(columns), updated_at: sql`now()` })
    .where('id', '=', campaignId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The campaign's presets replaced by `presets`, in their order: deleted then inserted, so only whole inside a transaction. */
export async function replacePresets(trx: Trx, campaignId: number, presets: PresetColumns[]): Promise<CampaignPreset[]> {
  await trx.deleteFrom('campaign_presets').where('campaign_id', '=', campaignId).execute();
  if (presets.length === 0) return [];
  return trx
    .insertInto('campaign_presets')
    .values(
      presets.map((preset, position) => ({
        campaign_id: campaignId,
        currency: preset.currency,
        amount: preset.amount,
        label: preset.label === null ? null : jsonb(preset.label),
        position,
      })),
    )
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.position - b.position));
}
