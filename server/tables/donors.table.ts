import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, Nullable, NullableTimestamp } from './columns';

/** Who gave: a person, or an organisation giving as a whole, online or through finance. */
export type DonorType = 'person' | 'enterprise' | 'chamber_of_commerce' | 'charity_federation' | 'foundation';

/** One per email address, whatever its case. */
export interface DonorTable {
  id: Generated<number>;
  email: string;
  /**
   * A person's name, or an organisation's: the one their latest paid gift gave (never a gift only
   * started: anyone can type anyone's address). Null until a paid gift names them.
   */
  name: Nullable<string>;
  /** When the paid gift that gave `name` was paid; a gift paid earlier, applied later, leaves the name alone. */
  name_given_at: NullableTimestamp;
  /** Who `name` is: the kind the same paid gift gave with it, so that the two never disagree. */
  donor_type: ColumnType<DonorType, DonorType | undefined, DonorType>;
  /** The language the donor gave in: 'en', 'zh-CN' or 'zh-HK'. */
  locale: ColumnType<string, string | undefined, string>;
  stripe_customer_id: Nullable<string>;
  /**
   * When the donor asked to be forgotten (server/donors/data-rights/erasure.ts): `email` is then an
   * unreachable erased-…@erased.invalid, `name` a pseudonym ("Erased donor 7F3K"), and no Stripe customer is linked.
   */
  erased_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type Donor = Selectable<DonorTable>;
