// The emails a gift owes its donor: the receipt, a refund notice, a failed renewal, the year's statement.
import { renderEmail, type Composer } from '../outbox/send';
import { publicUrl } from '../config';
import { localeFrom } from '../http/language';
import { signToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { localize } from '../locale';
import { formatMoney } from '../money';
import { organisationIn } from '../organisation';
import { findDonationWithDonor, findReceipt } from './receipt.repository';
import { receiptPdfName, renderReceiptPdf } from './receipt-pdf';
import { receiptView } from './receipt.view';
import { refundNoticePdfName, refundNoticeView, renderRefundNoticePdf } from './refund-notice';
import { renderStatementPdf } from './statement-pdf';
import { statementView } from './statement.view';
import { readStatement } from './statements';

export const receiptEmail: Composer = async ({ config }, trx, payload) => {
  const receipt = await findReceipt(trx, String(payload.receiptId));
  if (!receipt?.email) return undefined;
  const view = receiptView(config, receipt);
  const pdf = { filename: receiptPdfName(receipt.number), content: await renderReceiptPdf(view, receipt.issued_at), contentType: 'application/pdf' };
  return { to: receipt.email, subject: view.subject, locale: view.locale, attachments: [pdf], ...(await renderEmail('receipt', view, config.env === 'production')) };
};

/** The notice of a receipt a refund voided, with its PDF and, when something was kept, the replacement receipt's. */
export const refundNoticeEmail: Composer = async ({ config }, trx, payload) => {
  // Notices owed before receipts could be voided named the gift, not a receipt: they have nothing to cite.
  if (typeof payload.receiptId !== 'string') return undefined;
  const voided = await findReceipt(trx, payload.receiptId);
  if (!voided?.email || !voided.voided_at) return undefined;
  const view = refundNoticeView(config, { ...voided, voided_at: voided.voided_at });
  const attachments = [{ filename: refundNoticePdfName(voided.number), content: await renderRefundNoticePdf(view, voided.voided_at), contentType: 'application/pdf' }];
  const replacement = voided.replacement_id ? await findReceipt(trx, voided.replacement_id) : undefined;
  if (replacement) attachments.push({ filename: receiptPdfName(replacement.number), content: await renderReceiptPdf(receiptView(config, replacement, view.locale), replacement.issued_at), contentType: 'application/pdf' });
  return { to: voided.email, subject: view.subject, locale: view.locale, attachments, ...(await renderEmail('notice', view, config.env === 'production')) };
};

export const paymentFailedEmail: Composer = async ({ config }, trx, payload) => {
  const donation = await findDonationWithDonor(trx, String(payload.donationId));
  if (!donation?.recurring_plan_id) return undefined;
  const locale = localeFrom(donation.locale);
  const amount = formatMoney(donation, locale);
  const view = {
    locale,
    subject: translate(locale, 'notice.paymentFailedSubject'),
    body: translate(locale, 'notice.paymentFailedBody', { amount, campaign: localize(donation.campaign_title, locale) }),
    action: { label: translate(locale, 'notice.updateCard'), url: `${publicUrl(config)}/donations/update-card/${signToken(config.sessionSecret, 'update-card', donation.recurring_plan_id)}` },
    organisation: organisationIn(config.organisation, locale),
  };
  return { to: donation.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
};

/** The fiscal year's statement, with its PDF; nothing when no receipt of the year still stands (all refunded since). */
export const annualStatementEmail: Composer = async ({ config }, trx, payload) => {
  const statement = await readStatement(trx, config, Number(payload.donorId), Number(payload.year));
  if (!statement || statement.givers.length === 0) return undefined;
  const view = statementView(config, statement, localeFrom(statement.donor.locale));
  const pdf = { filename: view.pdfName, content: await renderStatementPdf(view), contentType: 'application/pdf' };
  return { to: statement.donor.email, subject: view.subject, locale: view.locale, attachments: [pdf], ...(await renderEmail('statement', view, config.env === 'production')) };
};
