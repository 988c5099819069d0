// The rounds whose money and outcomes are kept: campaigns that belong to a mission, found by address,
// listed by mission, and locked while their restricted money moves.
import type { Db, Trx } from '../../database';
import type { LocalizedText } from '../../locale';
import type { Campaign } from '../../tables/campaigns.table';

export type RoundCampaign = Pick<Campaign, 'id' | 'slug' | 'title' | 'status' | 'closed_at' | 'starts_at' | 'ends_at' | 'target_currency' | 'accepted_currencies'> & { mission_id: number };

export interface Round extends RoundCampaign {
  mission_slug: string;
  mission_title: LocalizedText;
  mission_currency: string;
}

const roundColumns = ['campaigns.id', 'campaigns.slug', 'campaigns.title', 'campaigns.status', 'campaigns.closed_at', 'campaigns.starts_at', 'campaigns.ends_at', 'campaigns.target_currency', 'campaigns.accepted_currencies'] as const;

function rounds(db: Db) {
  return db
    .selectFrom('campaigns')
    .innerJoin('missions', 'missions.id', 'campaigns.mission_id')
    .select(roundColumns)
    .select(['missions.id as mission_id', 'missions.slug as mission_slug', 'missions.title as mission_title', 'missions.currency as mission_currency']);
}

/** The round at `slug`; undefined for a campaign of no mission, or no campaign. */
export async function findRoundBySlug(db: Db, slug: string): Promise<Round | undefined> {
  if (!/^[a-z0-9-]{1,100}$/.test(slug)) return undefined;
  return rounds(db).where('campaigns.slug', '=', slug).executeTakeFirst();
}

/** Every round, drafts too, by mission and then first to open first. */
export async function listRounds(db: Db): Promise<Round[]> {
  return rounds(db).orderBy('missions.id').orderBy('campaigns.starts_at').orderBy('campaigns.id').execute();
}

/** The other rounds of the round's mission, first to open first: where its restricted money may go. */
export async function listSisterRounds(db: Db, round: Pick<Round, 'id' | 'mission_id'>): Promise<Round[]> {
  return rounds(db).where('campaigns.mission_id', '=', round.mission_id).where('campaigns.id', '<>', round.id).orderBy('campaigns.starts_at').orderBy('campaigns.id').execute();
}

/**
 * Holds the rounds' restricted money still until the transaction ends: one spending, outcome or transfer
 * at a time, so that a balance read here is the balance written against. In id order, so that two
 * transfers between the same rounds cannot deadlock; FOR NO KEY UPDATE leaves gifts (which reference the
 * campaign) free to arrive meanwhile.
 */
export async function lockRounds(trx: Trx, campaignIds: number[]): Promise<void> {
  await trx.selectFrom('campaigns').select('id').where('id', 'in', campaignIds).orderBy('id').forNoKeyUpdate().execute();
}

/**
 * The round as it stands, locked FOR UPDATE until the transaction ends: stronger than lockRounds, it also
 * holds back every new gift, refund or offline row for the round (their foreign key needs a share of this
 * lock), so a report reads the round's ledger whole and nothing slips in between reading and freezing it.
 */
export async function lockRoundForReport(trx: Trx, campaignId: number): Promise<Round | undefined> {
  return rounds(trx).where('campaigns.id', '=', campaignId).forUpdate('campaigns').executeTakeFirst();
}
