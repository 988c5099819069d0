// A gift's mainland partner's receipt as the pages show it: on finance's gift page (the current one, the ones
// it replaced, and the form), and in the donor's list of gifts.
import { dayText } from '../../calendar';
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { attachmentLimitBytes } from '../rounds/spending';
import { isStanding } from '../../tables/donations.table';
import type { PartnerReceiptForm } from './partner-receipts';
import type { PartnerReceiptListing } from './partner-receipt.repository';

export const staffFilePath = (donationId: string, id: number) => `/staff/finance/gifts/${donationId}/partner-receipts/${id}/file`;
export const donorFilePath = (donationId: string) => `/account/gifts/${donationId}/partner-receipt`;

const sizeText = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

function staffReceiptView(donationId: string, row: PartnerReceiptListing, locale: Locale) {
  return {
    id: row.id,
    partner: row.partner_name,
    number: row.receipt_number,
    issuedOn: row.issued_on ?? undefined,
    issuedText: row.issued_on ? dayText(row.issued_on, locale, 'medium') : undefined,
    file: { href: staffFilePath(donationId, row.id), name: row.filename, size: sizeText(row.byte_size) },
    recordedBy: row.recorded_by_name,
    recordedAt: row.recorded_at,
  };
}

/** What a refused form brings back to the page. */
export interface PartnerReceiptSent {
  form?: PartnerReceiptForm;
  errors?: Record<string, string>;
}

/** The gift page's section: `receipts` newest first (listPartnerReceipts), so the first is the current one. */
export function partnerReceiptSection(locale: Locale, donation: { id: string; status: string }, receipts: PartnerReceiptListing[], sent: PartnerReceiptSent = {}) {
  const [current, ...replaced] = receipts;
  const errors = sent.errors ?? {};
  const { form: whole, ...fields } = errors;
  return {
    current: current && staffReceiptView(donation.id, current, locale),
    replaced: replaced.map((row) => staffReceiptView(donation.id, row, locale)),
    replacedHeading: translate(locale, 'partnerReceipt.replaced.heading', { count: replaced.length }),
    // A refused form shows itself again, whatever the gift's state now, so that its message is read.
    mayRecord: isStanding(donation.status) || sent.errors !== undefined,
    form: {
      // The receipt current as this page is drawn: what the form replaces when sent.
      values: { ...(sent.form ?? { partner: current?.partner_name ?? '', number: '', issued_on: '' }), current: current ? String(current.id) : '' },
      error: whole,
      errors: fields,
      errorList: Object.entries(fields).map(([field, message]) => ({ field: `partner-receipt-${field}`, message })),
      open: sent.errors !== undefined,
      limit: `${attachmentLimitBytes / (1024 * 1024)} MB`,
      action: `/staff/finance/gifts/${donation.id}/partner-receipts`,
    },
  };
}

/** A donor's gift as their list shows it, with its current partner's receipt when one is recorded. */
export interface GiftWithPartnerReceipt {
  id: string;
  partner_receipt_id: number | null;
  partner_receipt_partner: string | null;
  partner_receipt_number: string | null;
  partner_receipt_issued_on: string | null;
}

/** The line under a donor's gift naming its mainland receipt, with the link to its scan; undefined without one. */
export function donorPartnerReceipt(locale: Locale, gift: GiftWithPartnerReceipt) {
  if (gift.partner_receipt_id === null) return undefined;
  return {
    line: translate(locale, 'partnerReceipt.account.line', { partner: gift.partner_receipt_partner ?? '', number: gift.partner_receipt_number ?? '' }),
    issued: gift.partner_receipt_issued_on ? translate(locale, 'partnerReceipt.account.issued', { date: dayText(gift.partner_receipt_issued_on, locale, 'medium') }) : undefined,
    href: donorFilePath(gift.id),
  };
}
