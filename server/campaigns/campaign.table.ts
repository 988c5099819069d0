// The campaigns' tables.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Timestamp, Jsonb } from '../column-types';
import type { LocalizedText } from '../locale';

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

/**
 * The ledger of one campaign summed per pair of gift and settlement currencies, kept by a trigger on
 * ledger_entries in the same transaction (migration 0011); never written by the application.
 */
export interface CampaignTotalTable {
  campaign_id: number;
  currency: string;
  settlement_currency: string;
  amount: number;
  settlement_amount: number;
}

/** The people giving to a campaign, kept by the same trigger: `who` is a donor id, or a donation id for a gift without an email. */
export interface CampaignGiverTable {
  campaign_id: number;
  who: string;
  /** Their donations that still hold money in the campaign, net of refunds and disputes. */
  donations: number;
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

export type Campaign = Selectable<CampaignTable>;

export type NewCampaign = Insertable<CampaignTable>;

export type CampaignUpdate = Updateable<CampaignTable>;

export type CampaignPreset = Selectable<CampaignPresetTable>;
