import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Nullable, Timestamp } from './columns';
import type { AttachmentType } from './round-spending-attachments.table';

/**
 * A mainland partner's receipt (公益事业捐赠票据) for a gift: its number and scan, as finance recorded them.
 * Append-only (a trigger refuses updates and deletes): a replacement names the row it replaces, of the same
 * gift, once; the gift's current receipt is the row no other replaces.
 */
export interface PartnerReceiptTable {
  id: Generated<number>;
  donation_id: string;
  replaces_id: ColumnType<number | null, number | null | undefined, never>;
  /** The mainland body that issued it, as printed ("深圳市某某慈善会"). */
  partner_name: string;
  /** As printed: 1 to 64 characters on one line. */
  receipt_number: string;
  /** YYYY-MM-DD as printed on the receipt, when finance gave it. */
  issued_on: Nullable<string>;
  /** As the uploader's computer named it, without any folder; offered as the download's name. */
  filename: string;
  /** What the file's own first bytes say it is, never what the browser claimed. */
  content_type: AttachmentType;
  /** At most 5 MiB. */
  content: Buffer;
  /** octet_length(content), kept by the database. */
  byte_size: ColumnType<number, never, never>;
  recorded_by: number;
  recorded_at: Timestamp;
}

export type PartnerReceipt = Selectable<PartnerReceiptTable>;
export type NewPartnerReceipt = Insertable<PartnerReceiptTable>;
