import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from './columns';

/** One number an impact update reports: {"label": "Children operated", "value": 152}. */
export interface ImpactFigure {
  label: string;
  value: number;
}

export interface ImpactPhoto {
  /** https only: the page's Content-Security-Policy loads no other images. */
  url: string;
  /** What the photo shows, for people who cannot see it; null when the manager gave none. */
  alt: string | null;
}

/** What a campaign's money did, posted by its manager, shown on the campaign page and emailed to its donors. */
export interface ImpactUpdateTable {
  id: Generated<number>;
  campaign_id: number;
  title: string;
  body_markdown: string;
  /** body_markdown rendered and sanitised once, when posted; safe to output unescaped. */
  body_html: string;
  figures: ColumnType<ImpactFigure[], ImpactFigure[] | undefined, ImpactFigure[]>;
  photos: ColumnType<ImpactPhoto[], ImpactPhoto[] | undefined, ImpactPhoto[]>;
  created_at: Timestamp;
  /** How many donors the fan-out found; null until it has walked them all. */
  total_recipients: Nullable<number>;
  /** When the last delivery was sent or skipped. */
  completed_at: NullableTimestamp;
}

export type ImpactUpdate = Selectable<ImpactUpdateTable>;
