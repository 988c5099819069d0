import type { ColumnType } from 'kysely';
import type { Timestamp, Nullable } from './columns';

/** A donor signed in to their account by a link; the cookie holds a random token, the table its SHA-256. */
export interface DonorSessionTable {
  token_hash: string;
  donor_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  user_agent: Nullable<string>;
}
