// The staff area's email: a link to choose a new password.
import { publicUrl } from '../config';
import { localeFrom } from '../http/language';
import { translate } from '../i18n/messages';
import { renderEmail, type Composer } from '../outbox/send';
import { emailedLinkHours, passwordLinkToSend } from './sessions';

// In the language of the page it was asked from; a request owed before the payload said so is in English.
export const passwordLinkEmail: Composer = async ({ config }, trx, payload, outboxId) => {
  if (typeof payload.email !== 'string') return undefined;
  const link = await passwordLinkToSend(trx, { outboxId, email: payload.email });
  if (!link) return undefined;
  const locale = localeFrom(payload.locale);
  const view = {
    locale,
    subject: translate(locale, 'staff.email.subject', { organisation: config.organisation.name }),
    body: translate(locale, 'staff.email.body', { hours: emailedLinkHours }),
    action: { label: translate(locale, 'staff.email.action'), url: `${publicUrl(config)}/staff/password/${link.token}` },
    organisation: config.organisation,
  };
  return { to: link.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
};
