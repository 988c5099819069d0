import type { Generated, Insertable, Selectable } from 'kysely';
import type { Jsonb, Timestamp } from './columns';
import type { LocalizedText } from '../locale';

/** A mission that goes out in rounds (Happy Smile: May, July, November), each round a campaign. */
export interface MissionTable {
  id: Generated<number>;
  /** Lower-case words joined by hyphens; the mission's address: /missions/:slug. */
  slug: string;
  title: Jsonb<LocalizedText>;
  summary: Jsonb<LocalizedText>;
  /** ISO 4217: the currency the mission reports every round's money in, at the rates Stripe recorded. */
  currency: string;
  created_at: Timestamp;
}

export type Mission = Selectable<MissionTable>;
export type NewMission = Insertable<MissionTable>;
