import type { Selectable } from 'kysely';
import type { Jsonb } from './columns';
import type { LocalizedText } from '../locale';

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

export type CampaignPreset = Selectable<CampaignPresetTable>;
