// What every step of turning Stripe's state into our rows is handed: the event's transaction and what was read from Stripe before it.
import type { Trx } from '../../database';
import type { Logger } from '../../logger';
import type { RecordedGift } from '../../metrics/metrics';
import type { StripeReads } from './stripe-reads';

export type { RecordedGift };

export interface RecordingContext {
  trx: Trx;
  /** Stripe as read before the transaction began (StripeSnapshot.held): never a call to Stripe itself. */
  stripe: StripeReads;
  /** The number of those reads (StripeSnapshot.number); rows synced from them remember it, see requireFreshReads. */
  stripeRead: string;
  generalFundSlug: string;
  /** The organisation's time zone, which dates and numbers receipts. */
  timeZone: string;
  /** Where a payment that has nowhere open to go is noted; absent where nobody reads the log. */
  logger?: Pick<Logger, 'warn'>;
  /** Where each gift this transaction newly records is noted, for the caller to count once it has committed. */
  giftsRecorded?: RecordedGift[];
}
