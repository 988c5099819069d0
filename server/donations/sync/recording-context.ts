// What every step of turning Stripe's state into our rows is handed: the event's transaction and Stripe.
import type Stripe from 'stripe';
import type { Trx } from '../../database';
import type { Logger } from '../../logger';
import type { RecordedGift } from '../../metrics/metrics';

export type { RecordedGift };

export interface RecordingContext {
  trx: Trx;
  stripe: Stripe;
  generalFundSlug: string;
  /** The organisation's time zone, which dates and numbers receipts. */
  timeZone: string;
  /** Where a payment that has nowhere open to go is noted; absent where nobody reads the log. */
  logger?: Pick<Logger, 'warn'>;
  /** Where each gift this transaction newly records is noted, for the caller to count once it has committed. */
  giftsRecorded?: RecordedGift[];
}

