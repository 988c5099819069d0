// Staff members, their sessions, sign-in brakes, password links and the audit log.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Jsonb, Nullable, NullableTimestamp } from '../column-types';

export type StaffRole = 'admin' | 'finance' | 'campaign_manager';

export interface StaffMemberTable {
  id: Generated<number>;
  email: string;
  name: string;
  roles: StaffRole[];
  /** scrypt, with its parameters and salt: "scrypt$N$r$p$salt$hash"; null until the invitation link is used. */
  password_hash: Nullable<string>;
  /** Wrong passwords from networks this person has never signed in from (staff/sign-in.ts). */
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

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

export interface StaffSessionTable {
  /** SHA-256 of the cookie's token, never the token itself. */
  token_hash: string;
  staff_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  user_agent: Nullable<string>;
}

/** One-time links to set a password (the first admin's, an invited colleague's, a reset). */
export interface StaffPasswordLinkTable {
  token_hash: string;
  staff_id: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

/** Who changed what, when, with the record before and after; append-only. */
export interface AuditLogTable {
  id: Generated<number>;
  /** Null for a change made from the command line. */
  staff_id: Nullable<number>;
  action: string;
  subject_type: string;
  subject_id: string;
  before: Jsonb<unknown>;
  after: Jsonb<unknown>;
  at: Timestamp;
}

export type StaffMember = Selectable<StaffMemberTable>;
