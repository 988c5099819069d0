// The gifts ledger's queries: the donations a set of filters selects, a page of them, their totals per
// currency, one gift with everything the ledger knows about it, and the campaigns finance picks from.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Campaign } from '../tables/campaigns.table';
import type { Database, Db } from '../database';
import { asksForUnfinished, hasFilters, pageSize, unfinishedStatuses, type GiftFilters } from './gifts';

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Instants bounding the gifts' time: from (inclusive), before (exclusive); either may be open. */
interface GiftTimeRange {
  from?: RawBuilder<Date>;
  before?: RawBuilder<Date>;
}

/** The instant a day of the filters (YYYY-MM-DD, plus `after` days) begins at in the time zone. */
const startOfDay = (day: string, timeZone: string, after = 0) => sql<Date>`((${day}::date + ${after}::int)::timestamp at time zone ${timeZone})`;

/** The filters' days as instants, from the start of `from` to the start of the day after `to`. */
const rangeOf = (filters: GiftFilters, timeZone: string): GiftTimeRange => ({
  from: filters.from ? startOfDay(filters.from, timeZone) : undefined,
  before: filters.to ? startOfDay(filters.to, timeZone, 1) : undefined,
});

/**
 * The donations the filters select; callers join and select what they show. `within`, when given, replaces
 * the filters' days by ranges of instants (any of them).
 */
export function filteredDonations(db: Db, filters: GiftFilters, timeZone: string, within?: GiftTimeRange[]): SelectQueryBuilder<Database, 'donations', object> {
  // The gift's day is compared through the instants its bounds begin at in the time zone, so that the
  // comparison is on the indexed coalesce(succeeded_at, created_at) itself (donations_gift_time_idx).
  const giftTime = sql<Date>`coalesce(donations.succeeded_at, donations.created_at)`;
  return db.selectFrom('donations').where((eb) => {
    const conditions = [];
    const ranges = within ?? [rangeOf(filters, timeZone)];
    const inRange = ({ from, before }: GiftTimeRange) =>
      eb.and([...(from ? [eb(giftTime, '>=', from)] : []), ...(before ? [eb(giftTime, '<', before)] : [])]);
    if (ranges.length > 1) conditions.push(eb.or(ranges.map(inRange)));
    else if (ranges[0]?.from || ranges[0]?.before) conditions.push(inRange(ranges[0]));
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

/**
 * Whether the gifts' summaries (gift_day_counts, gift_day_totals: migration 0032) can answer for these
 * filters: every filter is one of their keys but the donor search, and they keep no unfinished checkout.
 */
const summarised = (filters: GiftFilters) => filters.donor === undefined && !asksForUnfinished(filters);

/**
 * The filters' range split for the summaries, which are kept per UTC day: the whole UTC days inside it
 * (read from the summary), and the part-days at either end (read from the gifts themselves), which
 * together cover the range exactly once whatever the time zone.
 */
function splitByUtcDay(filters: GiftFilters, timeZone: string): { days: { from?: RawBuilder<string>; before?: RawBuilder<string> }; ends: GiftTimeRange[] } {
  const { from, before } = rangeOf(filters, timeZone);
  const dayStart = (day: RawBuilder<string>) => sql<Date>`(${day}::timestamp at time zone 'UTC')`;
  // The first UTC day that begins at or after `from`, and the one `before` falls in.
  const firstWhole = from && sql<string>`(((${from} - interval '1 microsecond') at time zone 'UTC')::date + 1)`;
  const lastPart = before && sql<string>`((${before} at time zone 'UTC')::date)`;
  if (firstWhole && lastPart) {
    const end = sql<string>`greatest(${firstWhole}, ${lastPart})`;
    return { days: { from: firstWhole, before: end }, ends: [{ from, before: sql<Date>`least(${dayStart(firstWhole)}, ${before})` }, { from: dayStart(end), before }] };
  }
  if (firstWhole) return { days: { from: firstWhole }, ends: [{ from, before: dayStart(firstWhole) }] };
  if (lastPart) return { days: { before: lastPart }, ends: [{ from: dayStart(lastPart), before }] };
  return { days: {}, ends: [] };
}

/** A summary's rows for the filters (summarised ones) over the whole UTC days `days`. */
function summaryRows(db: Db, table: 'gift_day_counts' | 'gift_day_totals', filters: GiftFilters, days: { from?: RawBuilder<string>; before?: RawBuilder<string> }) {
  // Both tables key their rows alike; the query is typed on the one whose columns the caller selects.
  return (db.selectFrom(table as 'gift_day_totals') as SelectQueryBuilder<Database, 'gift_day_totals', object>).where((eb) => {
    const conditions = [];
    if (days.from) conditions.push(eb('day', '>=', days.from));
    if (days.before) conditions.push(eb('day', '<', days.before));
    if (filters.campaign) conditions.push(eb('campaign_id', '=', eb.selectFrom('campaigns').select('campaigns.id').where('campaigns.slug', '=', filters.campaign)));
    if (filters.currency) conditions.push(eb('donation_currency', '=', filters.currency));
    if (filters.status) conditions.push(eb('status', '=', filters.status));
    if (filters.method) conditions.push(eb('payment_method', '=', filters.method));
    if (filters.donor_type === 'organisation') conditions.push(eb('donor_type', '<>', 'person'));
    else if (filters.donor_type) conditions.push(eb('donor_type', '=', filters.donor_type));
    return eb.and(conditions);
  });
}

/** How many gifts the filters select: from the summary and the range's part-days when it can, else counted one by one. */
async function countGifts(db: Db, filters: GiftFilters, timeZone: string): Promise<number> {
  if (!summarised(filters)) {
    const { count } = await filteredDonations(db, filters, timeZone).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    return Number(count);
  }
  const { days, ends } = splitByUtcDay(filters, timeZone);
  const kept = summaryRows(db, 'gift_day_counts', filters, days).select(sql<string>`coalesce(sum(gift_day_counts.donations), 0)`.as('count'));
  const counted = filteredDonations(db, filters, timeZone, ends).select((eb) => eb.fn.countAll<string>().as('count'));
  const { count } = await db
    .selectNoFrom(sql<string>`(${kept}) + ${ends.length > 0 ? sql`(${counted})` : sql`0`}`.as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** A page of the filtered gifts, newest first, and how many there are in all. */
export async function listGifts(db: Db, filters: GiftFilters, timeZone: string, page: number) {
  const [rows, count] = await Promise.all([
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
    countGifts(db, filters, timeZone),
  ]);
  return { rows, count };
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
  const rows = summarised(filters)
    ? await totalsFromSummary(db, filters, timeZone)
    : await totalsFromLedger(db, filters, timeZone).orderBy('currency').orderBy('settlement_currency').execute();
  return rows.map((r) => ({
    currency: r.currency,
    settlementCurrency: r.settlement_currency,
    gifts: Number(r.gifts),
    given: Number(r.given),
    returned: Number(r.returned),
    gross: Number(r.given) + Number(r.returned),
    settled: Number(r.settled),
    fee: Number(r.fee),
    net: Number(r.net),
  }));
}

/** The ledger rows of the gifts the filters select (within `within`, when given), summed per pair of currencies. */
function totalsFromLedger(db: Db, filters: GiftFilters, timeZone: string, within?: GiftTimeRange[]) {
  return (
    db
      .selectFrom('ledger_entries')
      .select(['currency', 'settlement_currency'])
      .select((eb) => [
        sql<string>`count(distinct donation_id)`.as('gifts'),
        sql<string>`coalesce(sum(amount) filter (where kind in ('gift', 'reversal')), 0)`.as('given'),
        sql<string>`coalesce(sum(amount) filter (where kind not in ('gift', 'reversal')), 0)`.as('returned'),
        eb.fn.sum<string>('settlement_amount').as('settled'),
        eb.fn.sum<string>('fee').as('fee'),
        eb.fn.sum<string>('net').as('net'),
      ])
      // Every ledger row belongs to a gift, so without a filter there is nothing to match them against.
      .$if(hasFilters(filters) || within !== undefined, (query) => query.where('donation_id', 'in', filteredDonations(db, filters, timeZone, within).select('donations.id')))
      .groupBy(['currency', 'settlement_currency'])
  );
}

/** The same totals, from gift_day_totals for the whole UTC days of the range and from the ledger for the part-days at its ends. */
function totalsFromSummary(db: Db, filters: GiftFilters, timeZone: string) {
  const { days, ends } = splitByUtcDay(filters, timeZone);
  const kept = summaryRows(db, 'gift_day_totals', filters, days)
    .select(['gift_day_totals.currency', 'gift_day_totals.settlement_currency'])
    .select(['gift_day_totals.gifts', 'gift_day_totals.given', 'gift_day_totals.returned', 'gift_day_totals.settled', 'gift_day_totals.fee', 'gift_day_totals.net']);
  const parts = ends.length > 0 ? kept.unionAll(totalsFromLedger(db, filters, timeZone, ends) as never) : kept;
  return db
    .selectFrom(parts.as('parts'))
    .select(['parts.currency', 'parts.settlement_currency'])
    .select([
      sql<string>`sum(parts.gifts)`.as('gifts'),
      sql<string>`sum(parts.given)`.as('given'),
      sql<string>`sum(parts.returned)`.as('returned'),
      sql<string>`sum(parts.settled)`.as('settled'),
      sql<string>`sum(parts.fee)`.as('fee'),
      sql<string>`sum(parts.net)`.as('net'),
    ])
    .groupBy(['parts.currency', 'parts.settlement_currency'])
    // A pair whose gifts all moved to other keys (refunded, corrected) leaves rows at nothing behind.
    .having(sql`sum(parts.gifts)`, '<>', 0)
    .orderBy('parts.currency')
    .orderBy('parts.settlement_currency')
    .execute();
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
