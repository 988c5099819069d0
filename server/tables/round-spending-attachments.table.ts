import type { Insertable, Selectable } from 'kysely';

export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** The receipt scan of a spending row, kept in the database (so a backup holds it) and never changed. */
export interface RoundSpendingAttachmentTable {
  spending_id: number;
  /** As the uploader's computer named it, without any folder; shown and offered as the download's name. */
  filename: string;
  /** What the file's own first bytes say it is, never what the browser claimed. */
  content_type: AttachmentType;
  /** At most 5 MiB. */
  content: Buffer;
}

export type RoundSpendingAttachment = Selectable<RoundSpendingAttachmentTable>;
export type NewRoundSpendingAttachment = Insertable<RoundSpendingAttachmentTable>;
