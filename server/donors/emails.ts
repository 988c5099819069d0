// The donor account's email: a sign-in link.
import { publicUrl } from '../config';
import { organisationIn } from '../organisation';
import { translate } from '../i18n/messages';
import { renderEmail, type Composer } from '../outbox/send';
import { localeFrom } from '../http/language';
import { linkToken, linkToSend } from './sign-in-links';

// Nobody's address, a request older than a link lives, or a link used before this send: nothing to send.
export const signInLinkEmail: Composer = async ({ config, db }, trx, payload, outboxId) => {
  if (typeof payload.email !== 'string') return undefined;
  const link = await linkToSend(trx, db, config.sessionSecret, { outboxId, linkId: String(payload.linkId), email: payload.email });
  if (!link) return undefined;
  const locale = localeFrom(payload.locale);
  const view = { locale, url: `${publicUrl(config)}/account/sign-in/${linkToken(config.sessionSecret, link.id)}`, organisation: organisationIn(config.organisation, locale) };
  return { to: link.email, subject: translate(locale, 'account.email.subject', { organisation: view.organisation.name }), locale, ...(await renderEmail('sign-in', view, config.env === 'production')) };
};
