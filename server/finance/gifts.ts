// The gifts ledger's filters: read from the query string (every problem named in the reader's language),
// and written back as a query string for page and export links.
import { isDay } from '../calendar';
import type { DonationStatus } from '../tables/donations.table';
import type { DonorType } from '../tables/donors.table';
import { donorTypes } from '../donor-kinds';
import { translate, type MessageKey } from '../i18n/messages';
import type { Locale } from '../locale';
import { isCurrencyCode } from '../money';
import { cleanText } from '../http/text';

/** Checkouts started and never paid (or given up): not gifts, so the ledger lists them only when asked and never counts them. */
export const unfinishedStatuses: DonationStatus[] = ['pending', 'expired'];
/** The status filter's choices: the gifts' statuses, then every unfinished checkout at once. */
export const giftStatuses = ['succeeded', 'partially_refunded', 'refunded', 'disputed', 'failed', 'unfinished'] as const;
export type StatusFilter = DonationStatus | 'unfinished';
const statusFilters: readonly string[] = [...giftStatuses, ...unfinishedStatuses];
export const paymentMethods = ['card', 'alipay', 'wechat_pay', 'cheque', 'bank_transfer', 'cash'] as const;
/** The donor kind filter's choices: a person, every organisation at once, then each kind of organisation. */
export const donorTypeFilters: ReadonlyArray<DonorType | 'organisation'> = [donorTypes[0]!, 'organisation', ...donorTypes.slice(1)];

export interface GiftFilters {
  /** Inclusive calendar days (YYYY-MM-DD) in the organisation's time zone, on the day the gift went through. */
  from?: string;
  to?: string;
  campaign?: string;
  currency?: string;
  /** Unset lists the gifts, leaving out unfinished checkouts; 'unfinished' (or 'pending', 'expired') lists only those. */
  status?: StatusFilter;
  method?: string;
  /** Part of the donor's email or name. */
  donor?: string;
  /** Who the gift was given as (donations.donor_type), or 'organisation' for any but a person. */
  donor_type?: DonorType | 'organisation';
}

export type FilterParse = { ok: true; filters: GiftFilters; page: number } | { ok: false; problems: string[]; filters: GiftFilters; page: number };

export const pageSize = 50;

const one = (value: unknown): string => (Array.isArray(value) ? one(value[0]) : cleanText(value));

/** Each filter's test, and what is said when a value fails it. */
const checks: Array<{ name: Exclude<keyof GiftFilters, 'from' | 'to'>; read: (query: Record<string, unknown>) => string; valid: (value: string) => boolean; problem: MessageKey }> = [
  { name: 'campaign', read: (q) => one(q.campaign), valid: (v) => /^[a-z0-9-]{1,100}$/.test(v), problem: 'finance.filter.error.campaign' },
  { name: 'currency', read: (q) => one(q.currency).toUpperCase(), valid: isCurrencyCode, problem: 'finance.filter.error.currency' },
  { name: 'status', read: (q) => one(q.status), valid: (v) => statusFilters.includes(v), problem: 'finance.filter.error.status' },
  { name: 'method', read: (q) => one(q.method), valid: (v) => (paymentMethods as readonly string[]).includes(v), problem: 'finance.filter.error.method' },
  { name: 'donor', read: (q) => one(q.donor), valid: (v) => v.length <= 254, problem: 'finance.filter.error.donor' },
  { name: 'donor_type', read: (q) => one(q.donor_type), valid: (v) => (donorTypeFilters as readonly string[]).includes(v), problem: 'organisation.finance.filter.error' },
];

/** Reads the filters of a GET query; every problem is named, and a bad filter is dropped rather than applied. */
export function parseGiftFilters(query: Record<string, unknown>, locale: Locale): FilterParse {
  const filters: GiftFilters = {};
  const problems: string[] = [];
  const say = (key: MessageKey) => problems.push(translate(locale, key));
  const from = one(query.from);
  const to = one(query.to);
  if (from) (isDay(from) ? (filters.from = from) : say('finance.filter.error.from'));
  if (to) (isDay(to) ? (filters.to = to) : say('finance.filter.error.to'));
  if (filters.from && filters.to && filters.from > filters.to) {
    say('finance.filter.error.order');
    delete filters.to;
  }
  for (const check of checks) {
    const value = check.read(query);
    if (value) (check.valid(value) ? Object.assign(filters, { [check.name]: value }) : say(check.problem));
  }
  const pageText = one(query.page);
  let page = 1;
  if (pageText) {
    if (/^\d{1,6}$/.test(pageText) && Number(pageText) >= 1) page = Number(pageText);
    else say('finance.filter.error.page');
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

/** Whether the filters ask for unfinished checkouts, which are never counted as gifts. */
export const asksForUnfinished = (filters: GiftFilters) => filters.status === 'unfinished' || unfinishedStatuses.includes(filters.status as DonationStatus);

/** Whether any filter is set: none selects every gift (and every row of the ledger, which unfinished checkouts have none of). */
export const hasFilters = (filters: GiftFilters) => Object.values(filters).some((value) => value !== undefined);
