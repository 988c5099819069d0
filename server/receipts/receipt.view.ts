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
    givenOn: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(receipt.issued_at),
    amount: formatMoney(receipt, locale),
    campaign,
    kind: translate(locale, `receipt.kind.${receipt.frequency}`),
    paymentMethod: receipt.payment_method ? paymentMethodName(receipt.payment_method, locale) : null,
    dedication,
    printableUrl: `${publicUrl(config)}${receiptPath(config.sessionSecret, receipt.id)}`,
    pdfUrl: `${publicUrl(config)}${receiptPdfPath(config.sessionSecret, receipt.id)}`,
  };
}

export type ReceiptView = ReturnType<typeof receiptView>;
