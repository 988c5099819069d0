// Sends one owed email (an outbox row): composes it from the row, and sends it once (send-once.ts).
import { sql } from 'kysely';
import { linkToken, linkToSend } from '../donors/sign-in-links';
import { emailedLinkHours, passwordLinkToSend } from '../staff/sessions';
import { translate } from '../i18n/messages';
import type { Db } from '../../db/index';
import type { OutboxMessage } from '../../db/schema';
import type { AppContext } from '../context';
import { renderTemplate } from '../http/views';
import { localize } from '../locale';
import { formatMoney } from '../money';
import { loadReceipt, receiptView, siteUrl } from './receipt-view';
import { statementGifts, statementView } from './statements';
import { sendOnce } from './send-once';
import { signToken } from './tokens';
import { wordingFor } from './wording';

export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
  locale: string;
}

type Composer = (ctx: Pick<AppContext, 'config'>, trx: Db, payload: OutboxMessage['payload'], outboxId: number) => Promise<Email | undefined>;

async function render(template: string, view: Record<string, unknown>, cache: boolean) {
  const [html, text] = await Promise.all([renderTemplate(`emails/${template}.html`, view, { cache }), renderTemplate(`emails/${template}.text`, view, { cache })]);
  return { html, text };
}

async function donationWithDonor(trx: Db, donationId: string) {
  return trx
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .innerJoin('donors', 'donors.id', 'donations.donor_id')
    .select(['donations.id', 'donations.amount', 'donations.currency', 'donations.locale', 'donations.recurring_plan_id', 'donors.email', 'campaigns.title as campaign_title'])
    .where('donations.id', '=', donationId)
    .executeTakeFirst();
}

const composers: Record<OutboxMessage['topic'], Composer> = {
  async receipt({ config }, trx, payload) {
    const receipt = await loadReceipt(trx, String(payload.receiptId));
    if (!receipt?.email) return undefined;
    const view = receiptView(config, receipt);
    return { to: receipt.email, subject: view.subject, locale: view.locale, ...(await render('receipt', view, config.env === 'production')) };
  },
  async refund_notice({ config }, trx, payload) {
    const donation = await donationWithDonor(trx, String(payload.donationId));
    if (!donation) return undefined;
    const { locale, wording: w } = wordingFor(donation.locale);
    const campaign = localize(donation.campaign_title, locale);
    const amount = formatMoney({ amount: Number(payload.amount), currency: String(payload.currency) }, locale);
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(new Date(String(payload.refundedAt)));
    const view = { locale, subject: w.refundSubject(campaign), body: w.refundBody(amount, campaign, date), organisation: config.organisation };
    return { to: donation.email, subject: view.subject, locale, ...(await render('notice', view, config.env === 'production')) };
  },
  async payment_failed({ config }, trx, payload) {
    const donation = await donationWithDonor(trx, String(payload.donationId));
    if (!donation?.recurring_plan_id) return undefined;
    const { locale, wording: w } = wordingFor(donation.locale);
    const amount = formatMoney(donation, locale);
    const view = {
      locale,
      subject: w.paymentFailedSubject,
      body: w.paymentFailedBody(amount, localize(donation.campaign_title, locale)),
      action: { label: w.updateCard, url: `${siteUrl(config)}/donations/update-card/${signToken(config.sessionSecret, 'update-card', donation.recurring_plan_id)}` },
      organisation: config.organisation,
    };
    return { to: donation.email, subject: view.subject, locale, ...(await render('notice', view, config.env === 'production')) };
  },
  async annual_statement({ config }, trx, payload) {
    const donorId = Number(payload.donorId);
    const year = Number(payload.year);
    const donor = await trx.selectFrom('donors').select(['email', 'name', 'locale']).where('id', '=', donorId).executeTakeFirst();
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
    return { to: donor.email, subject: view.subject, locale, ...(await render('statement', view, config.env === 'production')) };
  },
  // Nobody's address, a request older than a link lives, or a link used before this send: nothing to send.
  async sign_in_link({ config }, trx, payload, outboxId) {
    if (typeof payload.email !== 'string') return undefined;
    const link = await linkToSend(trx, config.sessionSecret, { outboxId, linkId: String(payload.linkId), email: payload.email });
    if (!link) return undefined;
    const { locale } = wordingFor(String(payload.locale));
    const view = { locale, url: `${siteUrl(config)}/account/sign-in/${linkToken(config.sessionSecret, link.id)}`, organisation: config.organisation };
    return { to: link.email, subject: translate(locale, 'account.email.subject'), locale, ...(await render('sign-in', view, config.env === 'production')) };
  },
  staff_password_link: staffPasswordLink,
};

// Staff pages and their emails are in English (the staff area has no other language yet).
async function staffPasswordLink({ config }: Pick<AppContext, 'config'>, trx: Db, payload: OutboxMessage['payload'], outboxId: number): Promise<Email | undefined> {
  if (typeof payload.email !== 'string') return undefined;
  const link = await passwordLinkToSend(trx, { outboxId, email: payload.email });
  if (!link) return undefined;
  const view = {
    locale: 'en',
    subject: `Choose a new password for ${config.organisation.name}'s staff area`,
    body: `Someone, we hope you, said they could not sign in to the staff area with this address. The link below lets you choose a new password; it works once, within ${emailedLinkHours} hour, and signing in afterwards from the same network needs nothing else. If it was not you, ignore this email: your password has not changed.`,
    action: { label: 'Choose a new password', url: `${siteUrl(config)}/staff/password/${link.token}` },
    organisation: config.organisation,
  };
  return { to: link.email, subject: view.subject, locale: 'en', ...(await render('notice', view, config.env === 'production')) };
}

export type SendOutcome = 'sent' | 'already sent' | 'nothing to send';

export async function sendOwedEmail(ctx: Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger'>, outboxId: number): Promise<SendOutcome> {
  let lastError: string | null = null;
  const markSent = (db: Db, onlyIfUnsent: boolean) =>
    db
      .updateTable('outbox')
      .set((eb) => ({ sent_at: sql`now()`, attempts: eb('attempts', '+', 1), last_error: lastError }))
      .where('id', '=', outboxId)
      .$if(onlyIfUnsent, (qb) => qb.where('sent_at', 'is', null))
      .executeTakeFirst()
      .then((result) => result.numUpdatedRows > 0n);
  try {
    return await sendOnce<SendOutcome>(ctx, {
      describe: { outboxId },
      async prepare(trx) {
        const row = await trx.selectFrom('outbox').selectAll().where('id', '=', outboxId).forUpdate().executeTakeFirst();
        if (!row || row.sent_at) return { done: 'already sent' };
        const email = await composers[row.topic](ctx, trx, row.payload, row.id);
        if (!email) {
          lastError = 'nothing to send: no donor address';
          await markSent(trx, false);
          return { done: 'nothing to send' };
        }
        const domain = /@([^>\s]+)/.exec(ctx.config.mailFrom)?.[1] ?? 'smilefund.local';
        const message = {
          from: ctx.config.mailFrom,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          // The same id on a resend lets mail clients fold a rare duplicate into one message.
          messageId: `<${row.dedupe_key}@${domain}>`,
          headers: { 'Content-Language': email.locale },
        };
        return { message, sent: 'sent' };
      },
      markSent,
    });
  } catch (error) {
    await ctx.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error instanceof Error ? error.message.slice(0, 2000) : String(error) }))
      .where('id', '=', outboxId)
      .execute()
      .catch(() => undefined);
    throw error;
  }
}
