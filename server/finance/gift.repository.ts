// The gifts ledger's queries: the donations a set of filters selects, a page of them, their totals per
// currency, one gift with everything the ledger knows about it, and the campaigns finance picks from.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Campaign } from '../tables/campaigns.table';
import type { Database, Db } from '../database';
import { hasFilters, pageSize, unfinishedStatuses, type GiftFilters } from './gifts';

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The donations the filters select; callers join and select what they show. */
export function filteredDonations(db: Db, filters: GiftFilters, timeZone: string): SelectQueryBuilder<Database, 'donations', object> {
  // The gift's day is compared through the instants its bounds begin at in the time zone, so that the
  // comparison is on the indexed coalesce(succeeded_at, created_at) itself (donations_gift_time_idx).
  const giftTime = sql<Date>`coalesce(donations.succeeded_at, donations.created_at)`;
  const startOfDay = (day: string, after = 0) => sql<Date>`((${day}::date + ${after}::int)::timestamp at time zone ${timeZone})`;
  return db.selectFrom('donations').where((eb) => {
    const conditions = [];
    if (filters.from) conditions.push(eb(giftTime, '>=', startOfDay(filters.from)));
    if (filters.to) conditions.push(eb(giftTime, '<', startOfDay(filters.to, 1)));
    if (filters.campaign) conditions.push(eb('donations.campaign_id', '=', eb.selectFrom('campaigns').select('campaigns.id').where('campaigns.slug', '=', filters.campaign)));
    if (filters.currency) conditions.push(eb('donations.currency', '=', filters.currency));
    if (filters.status === 'unfinished') conditions.push(eb('donations.status', 'in', unfinishedStatuses));
    else if (filters.status) conditions.push(eb('donations.status', '=', filters.status));
    else conditions.push(eb('donations.status', 'not in', unfinishedStatuses));
    if (filters.method) conditions.push(eb('donations.payment_method', '=', filters.method));
    // As each gift was given (an organisation's gifts through donations_organisation_gift_time_idx).
    if (filters.donor_type === 'organisation') conditions.push(eb('donations.donor_type', '<>', 'person'));
    else if (filters.donor_type) conditions.push(eb('donations.donor_type', '=', filters.donor_type));
    if (filters.donor) {
      // Both halves are served by trigram indexes (migration 0012), the donor records' through an array
      // the planner can look up in donations_donor_idx: with `in (subquery)` it read every donation.
      const pattern = likePattern(filters.donor);
      conditions.push(
        eb.or([
          eb('donations.donor_name', 'ilike', pattern),
          eb('donations.donor_id', '=', sql<number>`any(array(${eb.selectFrom('donors').select('donors.id').where((d) => d.or([d('donors.email', 'ilike', pattern), d('donors.name', 'ilike', pattern)]))}))`),
        ]),
      );
    }
    return eb.and(conditions);
  });
}

/** A page of the filtered gifts, newest first, and how many there are in all. */
export async function listGifts(db: Db, filters: GiftFilters, timeZone: string, page: number) {
  const [rows, { count }] = await Promise.all([
    filteredDonations(db, filters, timeZone)
      .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
      .leftJoin('donors', 'donors.id', 'donations.donor_id')
      .select([
        'donations.id',
        'donations.amount',
        'donations.currency',
        'donations.status',
        'donations.origin',
        'donations.payment_method',
        'donations.donor_name',
        'donations.donor_type',
        'donations.stripe_payment_intent_id',
        'donations.stripe_charge_id',
        'donations.stripe_invoice_id',
        'donations.succeeded_at',
        'donations.created_at',
        'donors.email as donor_email',
        'donors.name as donor_record_name',
        'campaigns.slug as campaign_slug',
      ])
      .orderBy(sql`coalesce(donations.succeeded_at, donations.created_at)`, 'desc')
      .orderBy('donations.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    filteredDonations(db, filters, timeZone).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, count: Number(count) };
}

export type GiftRow = Awaited<ReturnType<typeof listGifts>>['rows'][number];

export interface CurrencyTotals {
  currency: string;
  settlementCurrency: string;
  gifts: number;
  /** What the gifts are for now, in `currency`: gift rows less the offline rows a correction reversed (and replaced). */
  given: number;
  /** Refunds and disputes net of their reversals, negative, in `currency`. */
  returned: number;
  /** given + returned, in `currency`. */
  gross: number;
  /** In `settlementCurrency`. */
  settled: number;
  fee: number;
  net: number;
}

/** Totals of every ledger row of the filtered gifts, per (gift currency, settlement currency): never across currencies. */
export async function totalsByCurrency(db: Db, filters: GiftFilters, timeZone: string): Promise<CurrencyTotals[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['currency', 'settlement_currency'])
    .select((eb) => [
      sql<string>`count(distinct donation_id)`.as('gifts'),
      sql<string>`coalesce(sum(amount) filter (where kind in ('gift', 'reversal')), 0)`.as('given'),
      sql<string>`coalesce(sum(amount) filter (where kind not in ('gift', 'reversal')), 0)`.as('returned'),
      eb.fn.sum<string>('amount').as('gross'),
      eb.fn.sum<string>('settlement_amount').as('settled'),
      eb.fn.sum<string>('fee').as('fee'),
      eb.fn.sum<string>('net').as('net'),
    ])
    // Every ledger row belongs to a gift, so without a filter there is nothing to match them against.
    .$if(hasFilters(filters), (query) => query.where('donation_id', 'in', filteredDonations(db, filters, timeZone).select('donations.id')))
    .groupBy(['currency', 'settlement_currency'])
    .orderBy('currency')
    .orderBy('settlement_currency')
    .execute();
  return rows.map((r) => ({
    currency: r.currency,
    settlementCurrency: r.settlement_currency,
    gifts: Number(r.gifts),
    given: Number(r.given),
    returned: Number(r.returned),
    gross: Number(r.gross),
    settled: Number(r.settled),
    fee: Number(r.fee),
    net: Number(r.net),
  }));
}

/** One gift (`id` a uuid) with its donor, campaign, ledger rows, receipts (first to latest) and refund requests; undefined when unknown. */
export async function findGiftDetail(db: Db, id: string) {
  const donation = await db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('campaigns as intended', 'intended.id', 'donations.intended_campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .selectAll('donations')
    .select(['campaigns.slug as campaign_slug', 'campaigns.title as campaign_title', 'donors.email as donor_email', 'donors.name as donor_record_name'])
    .select(['intended.slug as intended_campaign_slug', 'intended.title as intended_campaign_title'])
    .where('donations.id', '=', id)
    .executeTakeFirst();
  if (!donation) return undefined;
  const [ledger, receipts, refunds] = await Promise.all([
    db
      .selectFrom('ledger_entries')
      .leftJoin('staff_members', 'staff_members.id', 'ledger_entries.recorded_by')
      .leftJoin('campaigns', 'campaigns.id', 'ledger_entries.campaign_id')
      .selectAll('ledger_entries')
      .select(['staff_members.name as recorded_by_name', 'campaigns.slug as campaign_slug'])
      .where('ledger_entries.donation_id', '=', id)
      .orderBy('ledger_entries.id')
      .execute(),
    db.selectFrom('receipts').selectAll().where('donation_id', '=', id).orderBy('issued_at').orderBy('sequence').execute(),
    db
      .selectFrom('refund_requests')
      .innerJoin('staff_members', 'staff_members.id', 'refund_requests.requested_by')
      .selectAll('refund_requests')
      .select('staff_members.name as requested_by_name')
      .where('refund_requests.donation_id', '=', id)
      .orderBy('refund_requests.attempt')
      .execute(),
  ]);
  return { donation, ledger, receipts, refunds };
}

export type GiftDetail = NonNullable<Awaited<ReturnType<typeof findGiftDetail>>>;

export type CampaignOption = Pick<Campaign, 'slug' | 'title' | 'accepted_currencies' | 'target_currency'>;

/** Every campaign, by slug, with the currencies it takes: the choices of finance's filters and forms. */
export function listCampaignOptions(db: Db): Promise<CampaignOption[]> {
  return db.selectFrom('campaigns').select(['slug', 'title', 'accepted_currencies', 'target_currency']).orderBy('slug').execute();
}
