// The emails a gift owes its donor: the receipt, a refund notice, a failed renewal, the year's statement.
import { renderEmail, type Composer } from '../outbox/send';
import { publicUrl } from '../config';
import { localeFrom } from '../http/language';
import { signToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { localize } from '../locale';
import { formatMoney } from '../money';
import { organisationIn } from '../organisation';
import { findDonationWithDonor, findStatementDonor, findReceipt, statementGifts } from './receipt.repository';
import { receiptPdfName, renderReceiptPdf } from './receipt-pdf';
import { receiptView } from './receipt.view';
import { statementView } from './statement.view';

export const receiptEmail: Composer = async ({ config }, trx, payload) => {
  const receipt = await findReceipt(trx, String(payload.receiptId));
  if (!receipt?.email) return undefined;
  const view = receiptView(config, receipt);
  const pdf = { filename: receiptPdfName(receipt.number), content: await renderReceiptPdf(view, receipt.issued_at), contentType: 'application/pdf' };
  return { to: receipt.email, subject: view.subject, locale: view.locale, attachments: [pdf], ...(await renderEmail('receipt', view, config.env === 'production')) };
};

export const refundNoticeEmail: Composer = async ({ config }, trx, payload) => {
  const donation = await findDonationWithDonor(trx, String(payload.donationId));
  if (!donation) return undefined;
  const locale = localeFrom(donation.locale);
  const campaign = localize(donation.campaign_title, locale);
  const amount = formatMoney({ amount: Number(payload.amount), currency: String(payload.currency) }, locale);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(new Date(String(payload.refundedAt)));
  const view = { locale, subject: translate(locale, 'notice.refundSubject', { campaign }), body: translate(locale, 'notice.refundBody', { amount, campaign, date }), organisation: organisationIn(config.organisation, locale) };
  return { to: donation.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
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

export const annualStatementEmail: Composer = async ({ config }, trx, payload) => {
  const donorId = Number(payload.donorId);
  const year = Number(payload.year);
  const donor = await findStatementDonor(trx, donorId);
  const gifts = await statementGifts(trx, donorId, year);
  if (!donor || gifts.length === 0) return undefined;
  const locale = localeFrom(donor.locale);
  const view = {
    locale,
    subject: translate(locale, 'statement.subject', { year }),
    intro: translate(locale, 'statement.intro', { name: donor.name ?? donor.email, year }),
    ...statementView(gifts, locale, config.organisation.timeZone),
    organisation: organisationIn(config.organisation, locale),
    wording: localize(config.receiptWording, locale),
  };
  return { to: donor.email, subject: view.subject, locale, ...(await renderEmail('statement', view, config.env === 'production')) };
};
