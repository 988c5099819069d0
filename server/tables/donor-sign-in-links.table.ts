import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns';

/** A one-time sign-in link to the donor account, emailed on request; valid for 30 minutes. */
export interface DonorSignInLinkTable {
  /** Carried by the outbox row that emails the link; the token is an HMAC of it under SESSION_SECRET. */
  id: Generated<string>;
  /** SHA-256 of the link's token, never the token itself. */
  token_hash: string;
  donor_id: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}
