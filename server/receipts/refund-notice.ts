// A refund notice: what a refund did to the donor's receipt. It is the notice of the receipt the refund
// voided (one per voiding, however many refunds it covers), citing that receipt and the one that replaces
// it for what was kept; as an email, with its PDF and the replacement's attached, and as a PDF on its own.
import { publicUrl, type ReadyConfig } from '../config';
import { localeFrom } from '../http/language';
import { translate, type MessageKey } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney } from '../money';
import { organisationIn } from '../organisation';
import { drawFields, drawHeading, drawParagraph, drawVerification, renderPdf } from './pdf-document';
import type { ReceiptDetails } from './receipt.repository';
import { documentDate, receiptPath } from './receipt.view';

/** The notice of `voided`, a receipt a refund voided, in `locale` (by default the donor's). */
export function refundNoticeView(config: ReadyConfig, voided: ReceiptDetails & { voided_at: Date }, locale: Locale = localeFrom(voided.locale)) {
  const money = (amount: number) => formatMoney({ amount, currency: voided.currency }, locale);
  const date = documentDate(config, locale, voided.voided_at);
  const campaign = localize(voided.campaign_title, locale);
  const kept = voided.replacement_amount ?? 0;
  const replacement = voided.replacement_number ? { number: voided.replacement_number, amount: money(kept) } : null;
  return {
    locale,
    subject: translate(locale, 'notice.refundSubject', { campaign }),
    heading: `${translate(locale, 'notice.refund.heading')} ${voided.number}`,
    organisation: organisationIn(config.organisation, locale),
    donorName: voided.donor_name ?? voided.donor_record_name ?? voided.email ?? '',
    campaign,
    refunded: money(voided.amount - kept),
    refundedOn: date,
    voidedNumber: voided.number,
    voidedAmount: money(voided.amount),
    replacement,
    body: translate(locale, 'notice.refundBody', { amount: money(voided.amount - kept), campaign, date }),
    lines: [
      translate(locale, 'notice.refund.voids', { number: voided.number, amount: money(voided.amount) }),
      replacement ? translate(locale, 'notice.refund.replacement', replacement) : translate(locale, 'notice.refund.noReplacement', { number: voided.number }),
    ],
    voidedReceiptUrl: `${publicUrl(config)}${receiptPath(config.sessionSecret, voided.id)}`,
  };
}

export type RefundNoticeView = ReturnType<typeof refundNoticeView>;

/** The notice as a PDF, dated by the voiding, so it is the same bytes every time. */
export async function renderRefundNoticePdf(notice: RefundNoticeView, voidedAt: Date): Promise<Buffer> {
  const say = (key: MessageKey, values?: Record<string, string>) => translate(notice.locale, key, values);
  return renderPdf({ locale: notice.locale, title: notice.subject, subject: notice.heading, organisation: notice.organisation, datedAt: voidedAt }, (doc) => {
    drawHeading(doc, notice.heading);
    drawFields(doc, [
      [say('receipt.donor'), notice.donorName],
      [say('receipt.campaign'), notice.campaign],
      [say('notice.refund.voided'), `${notice.voidedNumber} (${notice.voidedAmount})`],
      [say('notice.refund.refunded'), notice.refunded],
      [say('notice.refund.refundedOn'), notice.refundedOn],
      [say('notice.refund.replacementLine'), notice.replacement ? say('notice.refund.replacementValue', notice.replacement) : say('notice.refund.none')],
    ]);
    for (const line of notice.lines) drawParagraph(doc, line, { size: 11 });
    drawVerification(doc, notice.voidedReceiptUrl, say('notice.refund.verify'));
  });
}

/** "refund-notice-2026-000123.pdf", by the receipt it voids. */
export const refundNoticePdfName = (voidedNumber: string) => `refund-notice-${voidedNumber}.pdf`;
