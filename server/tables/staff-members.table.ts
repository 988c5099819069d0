import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from './columns';

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
  /** The language chosen for the staff area ("en", "zh-CN", "zh-HK"); null follows the browser. */
  locale: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type StaffMember = Selectable<StaffMemberTable>;
