import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Jsonb, Nullable, NullableTimestamp } from './columns';
import type { LocalizedText } from '../locale';

/**
 * One number an impact update reports, labelled in each language the update is written in:
 * {"label": {"en": "Children operated", "zh-CN": "接受手术的儿童"}, "value": 152}. The number is one for all.
 */
export interface ImpactFigure {
  label: LocalizedText;
  value: number;
}

export interface ImpactPhoto {
  /** https only: the page's Content-Security-Policy loads no other images. */
  url: string;
  /** What the photo shows, for people who cannot see it; null when the manager gave none. */
  alt: LocalizedText | null;
}

/** What a campaign's money did, posted by its manager, shown on the campaign page and emailed to its donors. */
export interface ImpactUpdateTable {
  id: Generated<number>;
  campaign_id: number;
  /** In each language the update is written in: title and body always in the same ones, at least one. */
  title: Jsonb<LocalizedText>;
  body_markdown: Jsonb<LocalizedText>;
  /** body_markdown rendered and sanitised once per language, when posted; safe to output unescaped. */
  body_html: Jsonb<LocalizedText>;
  figures: ColumnType<ImpactFigure[], ImpactFigure[] | undefined, ImpactFigure[]>;
  photos: ColumnType<ImpactPhoto[], ImpactPhoto[] | undefined, ImpactPhoto[]>;
  created_at: Timestamp;
  /** How many donors the fan-out found; null until it has walked them all. */
  total_recipients: Nullable<number>;
  /** When the last delivery was sent or skipped. */
  completed_at: NullableTimestamp;
}

export type ImpactUpdate = Selectable<ImpactUpdateTable>;
