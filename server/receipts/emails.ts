// The emails a gift owes its donor: the receipt, a refund notice, a failed renewal, the year's statement.
import { renderEmail, type Composer } from '../outbox/send';
import { publicUrl } from '../config';
import { signToken } from '../http/signed-links';
import { localize } from '../locale';
import { formatMoney } from '../money';
import { donationWithDonor, donorForStatement } from './receipt.repository';
import { loadReceipt, receiptView } from './receipt.view';
import { statementGifts, statementView } from './statements';
import { wordingFor } from './wording';

export const receiptEmail: Composer = async ({ config }, trx, payload) => {
  const receipt = await loadReceipt(trx, String(payload.receiptId));
  if (!receipt?.email) return undefined;
  const view = receiptView(config, receipt);
  return { to: receipt.email, subject: view.subject, locale: view.locale, ...(await renderEmail('receipt', view, config.env === 'production')) };
};

export const refundNoticeEmail: Composer = async ({ config }, trx, payload) => {
  const donation = await donationWithDonor(trx, String(payload.donationId));
  if (!donation) return undefined;
  const { locale, wording: w } = wordingFor(donation.locale);
  const campaign = localize(donation.campaign_title, locale);
  const amount = formatMoney({ amount: Number(payload.amount), currency: String(payload.currency) }, locale);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(new Date(String(payload.refundedAt)));
  const view = { locale, subject: w.refundSubject(campaign), body: w.refundBody(amount, campaign, date), organisation: config.organisation };
  return { to: donation.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
};

export const paymentFailedEmail: Composer = async ({ config }, trx, payload) => {
  const donation = await donationWithDonor(trx, String(payload.donationId));
  if (!donation?.recurring_plan_id) return undefined;
  const { locale, wording: w } = wordingFor(donation.locale);
  const amount = formatMoney(donation, locale);
  const view = {
    locale,
    subject: w.paymentFailedSubject,
    body: w.paymentFailedBody(amount, localize(donation.campaign_title, locale)),
    action: { label: w.updateCard, url: `${publicUrl(config)}/donations/update-card/${signToken(config.sessionSecret, 'update-card', donation.recurring_plan_id)}` },
    organisation: config.organisation,
  };
  return { to: donation.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
};

export const annualStatementEmail: Composer = async ({ config }, trx, payload) => {
  const donorId = Number(payload.donorId);
  const year = Number(payload.year);
  const donor = await donorForStatement(trx, donorId);
  const gifts = await statementGifts(trx, donorId, year);
  if (!donor || gifts.length === 0) return undefined;
  const { locale, wording: w } = wordingFor(donor.locale);
  const view = {
    locale,
    w,
    subject: w.statementSubject(year),
    intro: w.statementIntro(donor.name ?? donor.email, year),
    ...statementView(gifts, locale, config.organisation.timeZone),
    organisation: config.organisation,
    wording: config.receiptWording[locale],
  };
  return { to: donor.email, subject: view.subject, locale, ...(await renderEmail('statement', view, config.env === 'production')) };
};
