/**
 * The gifts ledger's figures per UTC day of the gift and per what finance filters gifts by, kept by triggers
 * on donations and ledger_entries in the same transaction (migration 0032); never written by the application,
 * except to fold old days' slots together (server/finance/gift-day-totals.repository.ts). Every figure of a
 * key is the sum of its slots.
 */
interface GiftDayKey {
  /** The UTC day of the gift's time, coalesce(succeeded_at, created_at). */
  day: string;
  campaign_id: number;
  /** The donation's currency (the ledger's currency filter). */
  donation_currency: string;
  status: string;
  /** '' for a gift without one. */
  payment_method: string;
  donor_type: string;
  slot: number;
}

/** Gifts (donations neither pending nor expired) per key. */
export interface GiftDayCountTable extends GiftDayKey {
  donations: number;
}

/** The ledger rows of a key's gifts, summed per pair of ledger and settlement currencies. */
export interface GiftDayTotalTable extends GiftDayKey {
  currency: string;
  settlement_currency: string;
  /** Gifts with at least one ledger row in the pair. */
  gifts: number;
  /** Gift and reversal rows, in `currency`. */
  given: number;
  /** Refunds, disputes and what reverses them, in `currency`. */
  returned: number;
  settled: number;
  fee: number;
  net: number;
}
