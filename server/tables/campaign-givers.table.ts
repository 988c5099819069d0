

/** The people giving to a campaign, kept by the same trigger: `who` is a donor id, or a donation id for a gift without an email. */
export interface CampaignGiverTable {
  campaign_id: number;
  who: string;
  /** Their donations that still hold money in the campaign, net of refunds and disputes. */
  donations: number;
}
