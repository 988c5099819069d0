import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp, Jsonb } from './columns';
import type { LocalizedText } from '../locale';

export type CampaignStatus = 'draft' | 'live' | 'closed';

export interface CampaignTable {
  id: Generated<number>;
  /** The mission this campaign is a round of; null for a fund or a campaign of its own. */
  mission_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Lower-case words joined by hyphens; the campaign's address: /campaigns/:slug. */
  slug: string;
  title: Jsonb<LocalizedText>;
  /** One or two sentences for the campaign list. */
  summary: Jsonb<LocalizedText>;
  story: Jsonb<LocalizedText>;
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  /** When staff closed it (status closed); null while it is not closed. */
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
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
  /** Donors' messages stay off the page until staff approve each one. */
  hold_messages: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type Campaign = Selectable<CampaignTable>;

export type NewCampaign = Insertable<CampaignTable>;
