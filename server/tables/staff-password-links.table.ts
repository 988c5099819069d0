import type { ColumnType } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns';

/** One-time links to set a password (the first admin's, an invited colleague's, a reset). */
export interface StaffPasswordLinkTable {
  token_hash: string;
  staff_id: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}
