
/**
 * How many people give to a campaign (campaign_givers rows with money still in it), kept by triggers on
 * campaign_givers in the same transaction (migration 0032), spread over slots by person; the count is the sum of a campaign's slots.
 */
export interface CampaignDonorCountTable {
  campaign_id: number;
  slot: number;
  donors: number;
}
