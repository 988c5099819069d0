import type { Timestamp } from './columns';

/** A card declined on a Checkout page of one of our gifts (payment_intent.payment_failed); kept 30 days. */
export interface CardDeclineTable {
  /** The declined charge's id, or the event's when Stripe made no charge: one row per decline however often it is delivered. */
  attempt_id: string;
  donation_id: string;
  /** What the card was asked for, in minor units of currency. */
  amount: number;
  currency: string;
  /** Below the card-testing line for its currency (server/donations/card-testing.ts), decided when stored. */
  small: boolean;
  declined_at: Timestamp;
}
