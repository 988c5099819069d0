// Template data for the gifts ledger and one gift's page (its ledger, refunds and correction form), in the reader's language.
import type { ReadyConfig } from '../config';
import { hasRefundNotice, receiptPdfPath, refundNoticePdfPath } from '../receipts/receipt.view';
import type { LedgerEntry } from '../tables/ledger-entries.table';
import { translate } from '../i18n/messages';
import { defaultLocale, localize, type Locale } from '../locale';
import { formatMoney, toMajorUnits } from '../money';
import { campaignChoices, currencyChoices } from './finance.view';
import type { CampaignOption, CurrencyTotals, GiftDetail, GiftRow } from './gift.repository';
import { asksForUnfinished, donorTypeFilters, filterQuery, giftStatuses, pageSize, paymentMethods, type FilterParse } from './gifts';
import { choices, donorTypeLabel, methodLabel, statusLabel } from './labels';
import type { OfflineGiftForm } from './offline';
import { offlineFormChoices, offlineFormOf } from './offline-gift.view';
import type { RefundState } from './refunds';
import type { PartnerReceiptListing } from './partner-receipts/partner-receipt.repository';
import { partnerReceiptSection, type PartnerReceiptSent } from './partner-receipts/partner-receipt.view';

export interface GiftsPageData {
  rows: GiftRow[];
  count: number;
  totals: CurrencyTotals[];
  campaigns: CampaignOption[];
}

export function giftsPageView(locale: Locale, { filters, page, ...parsed }: FilterParse, data: GiftsPageData) {
  const pages = Math.max(1, Math.ceil(data.count / pageSize));
  const { campaigns, currencies } = campaignChoices(data.campaigns, filters.campaign);
  return {
    title: translate(locale, 'finance.gifts.heading'),
    problems: parsed.ok ? undefined : parsed.problems,
    filters,
    campaigns,
    currencies: currencyChoices(currencies, filters.currency),
    statuses: choices(giftStatuses, (s) => statusLabel(locale, s), filters.status),
    methods: choices(paymentMethods, (m) => methodLabel(locale, m), filters.method),
    donorTypes: choices(donorTypeFilters, (t) => (t === 'organisation' ? translate(locale, 'organisation.finance.filter.anyOrganisation') : donorTypeLabel(locale, t)), filters.donor_type),
    count: data.count,
    // Unfinished checkouts are counted as what they are, never as gifts; unasked for, a link offers them.
    unfinished: asksForUnfinished(filters),
    showUnfinished: filters.status === undefined ? filterQuery(filters, { status: 'unfinished' }) : undefined,
    page,
    pages,
    previous: page > 1 ? filterQuery(filters, { page: page - 1 }) : undefined,
    next: page < pages ? filterQuery(filters, { page: page + 1 }) : undefined,
    exportQuery: filterQuery(filters),
    totals: data.totals,
    gifts: data.rows.map((r) => ({
      ...r,
      date: r.succeeded_at ?? r.created_at,
      donor: r.donor_name ?? r.donor_record_name ?? '',
      donorKind: r.donor_type === 'person' ? undefined : donorTypeLabel(locale, r.donor_type),
      status: statusLabel(locale, r.status),
      method: methodLabel(locale, r.payment_method),
    })),
  };
}

/** What the gift's page shows beside the gift: its refund form's state, its current offline row, the campaigns. */
export interface GiftPageState {
  refund: RefundState;
  offline?: LedgerEntry;
  campaigns: CampaignOption[];
  /** Its mainland partner's receipts, newest (the current one) first. */
  partnerReceipts?: PartnerReceiptListing[];
  /** What the receipts' signed links and dates are made with. */
  config: Pick<ReadyConfig, 'sessionSecret' | 'organisation'>;
}

/** The gift's receipts, first to latest: each with whether it stands or why it is void, its PDF, and its refund notice. */
function receiptLines(locale: Locale, receipts: GiftDetail['receipts'], { sessionSecret, organisation }: GiftPageState['config']) {
  const numbers = new Map(receipts.map((r) => [r.id, r.number]));
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: organisation.timeZone });
  return receipts.map((r) => ({
    number: r.number,
    amount: formatMoney(r, locale),
    state: r.voided_at && r.void_reason ? translate(locale, `finance.gift.receiptVoid.${r.void_reason}`, { date: date.format(r.voided_at) }) : translate(locale, 'finance.gift.receiptStands'),
    void: r.voided_at !== null,
    replaces: r.replaces_receipt_id ? translate(locale, 'finance.gift.receiptReplaces', { number: numbers.get(r.replaces_receipt_id) ?? '' }) : undefined,
    pdfUrl: receiptPdfPath(sessionSecret, r.id),
    refundNoticeUrl: hasRefundNotice(r) ? refundNoticePdfPath(sessionSecret, r.id) : undefined,
  }));
}

/** What a request adds to the page: a notice, or a form sent back with its errors. */
export interface GiftPageExtra {
  notice?: string;
  refundForm?: { amount?: string; reason?: string };
  refundErrors?: Record<string, string>;
  refundError?: string;
  correctionForm?: OfflineGiftForm;
  correctionErrors?: Record<string, string>;
  partnerReceipt?: PartnerReceiptSent;
}

function refundView(locale: Locale, { left, attempt, unanswered }: RefundState, sent: GiftPageExtra['refundForm']) {
  if (!left) return undefined;
  return {
    attempt,
    left,
    leftText: formatMoney(left, locale),
    amount: sent?.amount ?? (unanswered ? toMajorUnits(unanswered) : left.amount > 0 ? toMajorUnits(left) : ''),
    reason: sent?.reason ?? unanswered?.reason ?? '',
    unanswered,
  };
}

export function giftPageView(locale: Locale, { donation, ledger, receipts, refunds }: GiftDetail, state: GiftPageState, extra: GiftPageExtra = {}) {
  const { correctionForm, refundForm, partnerReceipt, ...shown } = extra;
  // The form as sent when it comes back with errors; otherwise the offline gift as recorded.
  const correction = correctionForm ?? (state.offline ? offlineFormOf(donation, state.offline) : undefined);
  return {
    title: translate(locale, 'finance.gift.title', { id: donation.id.slice(0, 8) }),
    donation: {
      ...donation,
      status: statusLabel(locale, donation.status),
      method: methodLabel(locale, donation.payment_method),
      campaign: localize(donation.campaign_title, defaultLocale),
      // A payment for a round that had closed, credited where its gift now points (server/donations/plan-moves.ts).
      intended: donation.intended_campaign_title ? translate(locale, 'finance.gift.intended', { intended: `${localize(donation.intended_campaign_title, defaultLocale)} (${donation.intended_campaign_slug})`, campaign: `${localize(donation.campaign_title, defaultLocale)} (${donation.campaign_slug})` }) : undefined,
      donorName: donation.donor_name ?? donation.donor_record_name ?? '',
      // Who gave this gift, as recorded with it: the donor's record follows their latest gift instead.
      donorType: donorTypeLabel(locale, donation.donor_type),
    },
    receipts: receiptLines(locale, receipts, state.config),
    ledger: ledger.map((e) => ({ ...e, method: methodLabel(locale, e.method) })),
    refunds: refunds.map((r) => ({ ...r, status: statusLabel(locale, r.status) })),
    refund: refundView(locale, state.refund, refundForm),
    correction: correction ? { form: correction, ...offlineFormChoices(locale, correction, state.campaigns) } : undefined,
    partnerReceipt: partnerReceiptSection(locale, donation, state.partnerReceipts ?? [], partnerReceipt),
    ...shown,
  };
}
