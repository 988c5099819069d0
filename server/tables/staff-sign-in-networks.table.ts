import type { ColumnType } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns';

/** One staff member on one network: its wrong-password brake, and whether they have signed in from it. */
export interface StaffSignInNetworkTable {
  staff_id: number;
  /** HMAC of the network (server/http/network.ts) under SESSION_SECRET. */
  network: string;
  failures: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  signed_in_at: NullableTimestamp;
  updated_at: Timestamp;
}
