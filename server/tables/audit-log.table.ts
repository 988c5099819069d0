import type { Generated } from 'kysely';
import type { Timestamp, Jsonb, Nullable } from './columns';

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
