// The staff area's emails: a link to choose a new password, and an invitation to choose a first one.
import { publicUrl } from '../config';
import { organisationIn } from '../organisation';
import { localeFrom } from '../http/language';
import { translate } from '../i18n/messages';
import { renderEmail, type Composer } from '../outbox/send';
import { emailedLinkHours, invitationLinkHours, invitationToSend, passwordLinkToSend } from './sessions';
import { roleList } from './staff.view';

// In the language of the page it was asked from; a request owed before the payload said so is in English.
export const passwordLinkEmail: Composer = async ({ config }, trx, payload, outboxId) => {
  if (typeof payload.email !== 'string') return undefined;
  const link = await passwordLinkToSend(trx, { outboxId, email: payload.email });
  if (!link) return undefined;
  const locale = localeFrom(payload.locale);
  const view = {
    locale,
    subject: translate(locale, 'staff.email.subject', { organisation: organisationIn(config.organisation, locale).name }),
    body: translate(locale, 'staff.email.body', { hours: emailedLinkHours }),
    action: { label: translate(locale, 'staff.email.action'), url: `${publicUrl(config)}/staff/password/${link.token}` },
    organisation: organisationIn(config.organisation, locale),
  };
  return { to: link.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
};

// In the inviter's page language. Someone who has chosen a password (with the link the inviter saw), or
// was disabled, before it went out is sent nothing.
export const invitationEmail: Composer = async ({ config }, trx, payload) => {
  if (typeof payload.staffId !== 'number') return undefined;
  const invitation = await invitationToSend(trx, { staffId: payload.staffId, invitedBy: typeof payload.invitedBy === 'number' ? payload.invitedBy : null });
  if (!invitation) return undefined;
  const locale = localeFrom(payload.locale);
  const organisation = organisationIn(config.organisation, locale).name;
  const view = {
    locale,
    subject: translate(locale, 'staff.invitation.subject', { organisation }),
    body: translate(locale, 'staff.invitation.body', { inviter: invitation.inviterName ?? organisation, organisation, roles: roleList(locale, invitation.roles), hours: invitationLinkHours }),
    action: { label: translate(locale, 'staff.invitation.action'), url: `${publicUrl(config)}/staff/password/${invitation.token}` },
    organisation: organisationIn(config.organisation, locale),
  };
  return { to: invitation.email, subject: view.subject, locale, ...(await renderEmail('notice', view, config.env === 'production')) };
};
