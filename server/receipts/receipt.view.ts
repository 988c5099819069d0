// A receipt as people read it, for the email and the printable page alike.
import { publicUrl, type ReadyConfig } from '../config';
import { localeFrom } from '../http/language';
import { signToken } from '../http/signed-links';
import { isMessageKey, translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney } from '../money';
import { organisationIn } from '../organisation';
import type { ReceiptDetails } from './receipt.repository';

/** "Card", "支付宝": a method the catalog does not know is shown as stored. */
function paymentMethodName(method: string, locale: Locale): string {
  const key = `receipt.method.${method}`;
  return isMessageKey(key) ? translate(locale, key) : method;
}

/** A receipt's page on the site, signed so that only whoever was given the link can open it; its PDF is at `${path}/pdf`. */
export const receiptPath = (sessionSecret: string, receiptId: string) => `/receipts/${signToken(sessionSecret, 'receipt', receiptId)}`;

export const receiptPdfPath = (sessionSecret: string, receiptId: string) => `${receiptPath(sessionSecret, receiptId)}/pdf`;

/** The refund notice of a receipt a refund voided, by the receipt's own link. */
export const refundNoticePdfPath = (sessionSecret: string, voidedReceiptId: string) => `${receiptPath(sessionSecret, voidedReceiptId)}/refund-notice`;

/** Whether a receipt was voided by a refund, and so has a refund notice. */
export const hasRefundNotice = (receipt: { void_reason: string | null }) => receipt.void_reason === 'refund';

/** A date on a receipt or notice: long, on the organisation's calendar. */
export const documentDate = (config: Pick<ReadyConfig, 'organisation'>, locale: Locale, at: Date) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(at);

/** What a void receipt says about itself, in the order it is read: why it is void, and what replaces it. */
function voidLines(config: ReadyConfig, receipt: ReceiptDetails, locale: Locale): string[] {
  if (!receipt.voided_at || !receipt.void_reason) return [];
  const why = translate(locale, `receipt.void.${receipt.void_reason}`, { date: documentDate(config, locale, receipt.voided_at) });
  const replaced =
    receipt.replacement_number && receipt.replacement_amount !== null
      ? translate(locale, 'receipt.void.replacedBy', { number: receipt.replacement_number, amount: formatMoney({ amount: receipt.replacement_amount, currency: receipt.currency }, locale) })
      : translate(locale, 'receipt.void.notReplaced');
  return [why, replaced];
}

/** The receipt in `locale`, by default the language the donor gave in. */
export function receiptView(config: ReadyConfig, receipt: ReceiptDetails, locale: Locale = localeFrom(receipt.locale)) {
  const name = receipt.donor_name ?? receipt.donor_record_name ?? receipt.email ?? '';
  const campaign = localize(receipt.campaign_title, locale);
  const dedication = receipt.dedication_kind && receipt.dedication_name ? translate(locale, `receipt.dedication.${receipt.dedication_kind}`, { name: receipt.dedication_name }) : null;
  return {
    locale,
    subject: translate(locale, 'receipt.subject', { number: receipt.number, campaign }),
    thanks: translate(locale, 'receipt.thanks', { name }),
    organisation: organisationIn(config.organisation, locale),
    wording: localize(config.receiptWording, locale),
    number: receipt.number,
    donorName: name,
    // A receipt made out to an organisation: its contact and registration, as its gift gave them.
    contactName: receipt.donor_contact_name,
    businessRegistration: receipt.donor_business_registration,
    givenOn: documentDate(config, locale, receipt.given_at),
    /** A replacement is issued after the gift it certifies; a first receipt on the day of the gift. */
    issuedOn: receipt.replaces_number ? documentDate(config, locale, receipt.issued_at) : null,
    void: voidLines(config, receipt, locale),
    voidStamp: receipt.voided_at ? translate(locale, 'receipt.void.stamp') : null,
    replaces: receipt.replaces_number ? translate(locale, 'receipt.replaces', { number: receipt.replaces_number }) : null,
    replacementNumber: receipt.replacement_number,
    replacementUrl: receipt.replacement_id ? `${publicUrl(config)}${receiptPath(config.sessionSecret, receipt.replacement_id)}` : null,
    refundNoticeUrl: hasRefundNotice(receipt) ? `${publicUrl(config)}${refundNoticePdfPath(config.sessionSecret, receipt.id)}` : null,
    amount: formatMoney({ amount: receipt.amount, currency: receipt.currency }, locale),
    campaign,
    kind: translate(locale, `receipt.kind.${receipt.frequency}`),
    paymentMethod: receipt.payment_method ? paymentMethodName(receipt.payment_method, locale) : null,
    dedication,
    printableUrl: `${publicUrl(config)}${receiptPath(config.sessionSecret, receipt.id)}`,
    pdfUrl: `${publicUrl(config)}${receiptPdfPath(config.sessionSecret, receipt.id)}`,
  };
}

export type ReceiptView = ReturnType<typeof receiptView>;
