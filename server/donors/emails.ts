// The donor account's emails: a sign-in link, and the notice that a regular gift moved off a closed round.
import { publicUrl } from '../config';
import { organisationIn } from '../organisation';
import { translate } from '../i18n/messages';
import { renderEmail, type Composer } from '../outbox/send';
import { localeFrom } from '../http/language';
import { signToken } from '../http/signed-links';
import { closedAt } from '../campaigns/closing';
import { localize } from '../locale';
import { formatMoney } from '../money';
import { linkToken, linkToSend } from './sign-in-links';
import { findPlanMoveNotice } from './donor.repository';

// Nobody's address, a request older than a link lives, or a link used before this send: nothing to send.
export const signInLinkEmail: Composer = async ({ config, db }, trx, payload, outboxId) => {
  if (typeof payload.email !== 'string') return undefined;
  const link = await linkToSend(trx, db, config.sessionSecret, { outboxId, linkId: String(payload.linkId), email: payload.email });
  if (!link) return undefined;
  const locale = localeFrom(payload.locale);
  const view = { locale, url: `${publicUrl(config)}/account/sign-in/${linkToken(config.sessionSecret, link.id)}`, organisation: organisationIn(config.organisation, locale) };
  return { to: link.email, subject: translate(locale, 'account.email.subject', { organisation: view.organisation.name }), locale, ...(await renderEmail('sign-in', view, config.env === 'production')) };
};

/**
 * What happened to the donor's regular gift and how to stop it, in their language. A donor who stopped the
 * gift before this was sent has nothing to be told.
 */
export const planMovedEmail: Composer = async ({ config }, trx, payload) => {
  const notice = await findPlanMoveNotice(trx, String(payload.moveId));
  if (!notice || notice.status === 'canceled') return undefined;
  const locale = localeFrom(notice.locale);
  const day = (at: Date) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(at);
  const gift = translate(locale, notice.interval === 'year' ? 'notice.planMoved.gift.year' : 'notice.planMoved.gift.month');
  const from = localize(notice.from_title, locale);
  const to = localize(notice.to_title, locale);
  const closedOn = closedAt({ ends_at: notice.from_ends_at }, notice.moved_at);
  const amount = formatMoney(notice, locale);
  const firstPaymentAt = typeof payload.firstPaymentAt === 'string' ? new Date(payload.firstPaymentAt) : null;
  const paragraphs = [
    closedOn ? translate(locale, 'notice.planMoved.closedOn', { gift, amount, from, to, date: day(closedOn) }) : translate(locale, 'notice.planMoved.closed', { gift, amount, from, to }),
    ...(firstPaymentAt && !Number.isNaN(firstPaymentAt.getTime()) ? [translate(locale, 'notice.planMoved.firstPayment', { date: day(firstPaymentAt) })] : []),
    translate(locale, 'notice.planMoved.why'),
    translate(locale, 'notice.planMoved.stop', { gift }),
  ];
  const view = {
    locale,
    subject: translate(locale, 'notice.planMoved.subject', { gift, to }),
    paragraphs,
    stop: { label: translate(locale, 'notice.planMoved.stopButton', { gift }), url: `${publicUrl(config)}/account/stop-gift/${signToken(config.sessionSecret, 'stop-plan', notice.plan_id)}` },
    organisation: organisationIn(config.organisation, locale),
  };
  return { to: notice.email, subject: view.subject, locale, ...(await renderEmail('plan-moved', view, config.env === 'production')) };
};
