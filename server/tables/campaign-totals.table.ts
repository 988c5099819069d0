

/**
 * The ledger of one campaign summed per pair of gift and settlement currencies, kept by a trigger on
 * ledger_entries in the same transaction (migration 0011); never written by the application.
 */
export interface CampaignTotalTable {
  campaign_id: number;
  currency: string;
  settlement_currency: string;
  amount: number;
  settlement_amount: number;
}
