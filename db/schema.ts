// The single truth about our tables: one interface per table, composed into Database.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { LocalizedText } from '../server/locale';

/** Read as a Date; written as a Date or an ISO string; defaulted by the database when not given. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: pg serialises objects on the way in and parses them on the way out. */
type Jsonb<T> = ColumnType<T, T, T>;

export type CampaignStatus = 'draft' | 'live' | 'closed';

export interface CampaignTable {
  id: Generated<number>;
  /** Lower-case words joined by hyphens; the campaign's address: /campaigns/:slug. */
  slug: string;
  title: Jsonb<LocalizedText>;
  /** One or two sentences for the campaign list. */
  summary: Jsonb<LocalizedText>;
  story: Jsonb<LocalizedText>;
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  /** Minor units of target_currency. */
  target_amount: number;
  /** ISO 4217, upper case. */
  target_currency: string;
  /** ISO 4217 codes a donor may give in. */
  accepted_currencies: string[];
  starts_at: Timestamp;
  /** Null for a fund that stays open. */
  ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** What one unit of impact costs, in minor units of target_currency: 500000 for "¥5,000 funds one surgery". */
  cost_unit_amount: number | null;
  /** What that unit is: {"en": "one cleft-lip surgery", "zh-CN": "一例唇裂手术"}. */
  cost_unit_label: Jsonb<LocalizedText | null>;
  cover_image_url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The amounts offered as buttons on a campaign's donate form, per currency. */
export interface CampaignPresetTable {
  campaign_id: number;
  currency: string;
  /** Minor units of currency. */
  amount: number;
  /** What the amount funds: {"en": "one speech-therapy session"}. */
  label: Jsonb<LocalizedText | null>;
  position: number;
}

export interface Database {
  campaigns: CampaignTable;
  campaign_presets: CampaignPresetTable;
}

export type Campaign = Selectable<CampaignTable>;
export type NewCampaign = Insertable<CampaignTable>;
export type CampaignUpdate = Updateable<CampaignTable>;
export type CampaignPreset = Selectable<CampaignPresetTable>;
