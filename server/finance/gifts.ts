// The gifts ledger finance reads: filters from the query string, the filtered donations, their totals
// per currency, and one gift with everything the ledger knows about it.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../database';
import type { Database } from '../database';
import type { DonationStatus } from '../donations/donation.table';
import { isCurrencyCode } from '../money';
import { cleanText } from '../http/text';
import { isUuid } from '../http/params';

export const giftStatuses: DonationStatus[] = ['succeeded', 'partially_refunded', 'refunded', 'disputed', 'pending', 'failed', 'expired'];
export const paymentMethods = ['card', 'alipay', 'wechat_pay', 'cheque', 'bank_transfer', 'cash'] as const;
export const methodLabels: Record<string, string> = {
  card: 'Card',
  alipay: 'Alipay',
  wechat_pay: 'WeChat Pay',
  cheque: 'Cheque',
  bank_transfer: 'Bank transfer',
  cash: 'Cash',
};

export interface GiftFilters {
  /** Inclusive calendar days (YYYY-MM-DD) in the organisation's time zone, on the day the gift went through. */
  from?: string;
  to?: string;
  campaign?: string;
  currency?: string;
  status?: DonationStatus;
  method?: string;
  /** Part of the donor's email or name. */
  donor?: string;
}

export type FilterParse = { ok: true; filters: GiftFilters; page: number } | { ok: false; problems: string[]; filters: GiftFilters; page: number };

const one = (value: unknown): string => (Array.isArray(value) ? one(value[0]) : cleanText(value));

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Reads the filters of a GET query; every problem is named, and a bad filter is dropped rather than applied. */
export function parseGiftFilters(query: Record<string, unknown>): FilterParse {
  const filters: GiftFilters = {};
  const problems: string[] = [];
  const from = one(query.from);
  const to = one(query.to);
  if (from) (isDay(from) ? (filters.from = from) : problems.push('“From” must be a date like 2026-01-31.'));
  if (to) (isDay(to) ? (filters.to = to) : problems.push('“To” must be a date like 2026-12-31.'));
  if (filters.from && filters.to && filters.from > filters.to) {
    problems.push('“From” must not be after “To”.');
    delete filters.to;
  }
  const campaign = one(query.campaign);
  if (campaign) (/^[a-z0-9-]{1,100}$/.test(campaign) ? (filters.campaign = campaign) : problems.push('Choose a campaign from the list.'));
  const currency = one(query.currency).toUpperCase();
  if (currency) (isCurrencyCode(currency) ? (filters.currency = currency) : problems.push('A currency is three letters, like HKD.'));
  const status = one(query.status);
  if (status) ((giftStatuses as string[]).includes(status) ? (filters.status = status as DonationStatus) : problems.push('Choose a status from the list.'));
  const method = one(query.method);
  if (method) ((paymentMethods as readonly string[]).includes(method) ? (filters.method = method) : problems.push('Choose a payment method from the list.'));
  const donor = one(query.donor);
  if (donor) (donor.length <= 254 ? (filters.donor = donor) : problems.push('Search for at most 254 characters of a name or email.'));
  const pageText = one(query.page);
  let page = 1;
  if (pageText) {
    if (/^\d{1,6}$/.test(pageText) && Number(pageText) >= 1) page = Number(pageText);
    else problems.push('The page number must be a whole number from 1.');
  }
  return problems.length > 0 ? { ok: false, problems, filters, page } : { ok: true, filters, page };
}

/** The filters as a query string, for page links and the export link. */
export function filterQuery(filters: GiftFilters, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Whether any filter is set: none selects every gift. */
export const hasFilters = (filters: GiftFilters) => Object.values(filters).some((value) => value !== undefined);

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
    if (filters.status) conditions.push(eb('donations.status', '=', filters.status));
    if (filters.method) conditions.push(eb('donations.payment_method', '=', filters.method));
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

export const pageSize = 50;

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


/** One gift with its donor, campaign, ledger rows, receipt and refund requests; undefined when unknown. */
export async function giftDetail(db: Db, id: string) {
  if (!isUuid(id)) return undefined;
  const donation = await db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .selectAll('donations')
    .select(['campaigns.slug as campaign_slug', 'campaigns.title as campaign_title', 'donors.email as donor_email', 'donors.name as donor_record_name', 'donors.donor_type as donor_record_type'])
    .where('donations.id', '=', id)
    .executeTakeFirst();
  if (!donation) return undefined;
  const [ledger, receipt, refunds] = await Promise.all([
    db
      .selectFrom('ledger_entries')
      .leftJoin('staff_members', 'staff_members.id', 'ledger_entries.recorded_by')
      .leftJoin('campaigns', 'campaigns.id', 'ledger_entries.campaign_id')
      .selectAll('ledger_entries')
      .select(['staff_members.name as recorded_by_name', 'campaigns.slug as campaign_slug'])
      .where('ledger_entries.donation_id', '=', id)
      .orderBy('ledger_entries.id')
      .execute(),
    db.selectFrom('receipts').selectAll().where('donation_id', '=', id).executeTakeFirst(),
    db
      .selectFrom('refund_requests')
      .innerJoin('staff_members', 'staff_members.id', 'refund_requests.requested_by')
      .selectAll('refund_requests')
      .select('staff_members.name as requested_by_name')
      .where('refund_requests.donation_id', '=', id)
      .orderBy('refund_requests.attempt')
      .execute(),
  ]);
  return { donation, ledger, receipt, refunds };
}

export type GiftDetail = NonNullable<Awaited<ReturnType<typeof giftDetail>>>;
