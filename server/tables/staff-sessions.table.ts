import type { ColumnType } from 'kysely';
import type { Timestamp, Nullable } from './columns';

export interface StaffSessionTable {
  /** SHA-256 of the cookie's token, never the token itself. */
  token_hash: string;
  staff_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  user_agent: Nullable<string>;
}
