// The staff area's email: a link to choose a new password.
import { publicUrl } from '../config';
import { renderEmail, type Composer } from '../outbox/send';
import { emailedLinkHours, passwordLinkToSend } from './sessions';

// Staff pages and their emails are in English (the staff area has no other language yet).
export const passwordLinkEmail: Composer = async ({ config }, trx, payload, outboxId) => {
  if (typeof payload.email !== 'string') return undefined;
  const link = await passwordLinkToSend(trx, { outboxId, email: payload.email });
  if (!link) return undefined;
  const view = {
    locale: 'en',
    subject: `Choose a new password for ${config.organisation.name}'s staff area`,
    body: `Someone, we hope you, said they could not sign in to the staff area with this address. The link below lets you choose a new password; it works once, within ${emailedLinkHours} hour, and signing in afterwards from the same network needs nothing else. If it was not you, ignore this email: your password has not changed.`,
    action: { label: 'Choose a new password', url: `${publicUrl(config)}/staff/password/${link.token}` },
    organisation: config.organisation,
  };
  return { to: link.email, subject: view.subject, locale: 'en', ...(await renderEmail('notice', view, config.env === 'production')) };
};
