// Donors who gave, written straight into the database: for tests about what happens after the money
// arrived (impact updates), where going through Checkout a thousand times would only be slow.
import { sql } from 'kysely';
import type { Db } from '../../server/database';
import type { DonationStatus } from '../../server/tables/donations.table';

export interface SeededDonor {
  id: number;
  email: string;
  locale: string;
}

export interface DonorsWhoGaveOptions {
  /** The start of each address: `${prefix}-${n}@example.com`. */
  prefix?: string;
  status?: DonationStatus;
  /** Every nth donor writes in Chinese (0: none). */
  chineseEvery?: number;
}

/** `count` donors with one gift each to `campaignSlug`, in two statements. */
export async function seedDonorsWhoGave(db: Db, campaignSlug: string, count: number, options: DonorsWhoGaveOptions = {}): Promise<SeededDonor[]> {
  const { prefix = 'donor', status = 'succeeded', chineseEvery = 0 } = options;
  const campaign = await db.selectFrom('campaigns').select(['id', 'target_currency']).where('slug', '=', campaignSlug).executeTakeFirstOrThrow();
  const donors = await db
    .insertInto('donors')
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `${prefix}-${i + 1}@example.com`,
        name: `${prefix} ${i + 1}`,
        locale: chineseEvery > 0 && (i + 1) % chineseEvery === 0 ? 'zh-CN' : 'en',
      })),
    )
    .returning(['id', 'email', 'locale'])
    .execute();
  await db
    .insertInto('donations')
    .values(
      donors.map((donor) => ({
        campaign_id: campaign.id,
        donor_id: donor.id,
        frequency: 'once' as const,
        amount: 10_000,
        currency: campaign.target_currency,
        status,
        origin: 'checkout' as const,
        locale: donor.locale,
        succeeded_at: status === 'succeeded' || status === 'partially_refunded' ? sql<Date>`now()` : null,
      })),
    )
    .execute();
  return donors;
}
