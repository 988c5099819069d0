// Sends one donor's copy of an impact update, once (outbox/send-once.ts).
import type Mail from 'nodemailer/lib/mailer';
import type { Trx } from '../database';
import type { AppContext } from '../context';
import { localeFrom } from '../http/language';
import { localize, localizeWithLanguage } from '../locale';
import { publicUrl, type ReadyConfig } from '../config';
import { mailSender, organisationIn } from '../organisation';
import { sendOnce } from '../outbox/send-once';
import { messageIdFor, renderEmail } from '../outbox/send';
import { signToken } from '../http/signed-links';
import { impactEmailWords, impactUpdateView } from './impact.view';
import { convertKeepingAddresses } from './post';
import { completeIfDone, findImpactRecipient, findUpdateWithCampaign, type ImpactRecipient, type UpdateWithCampaign } from './impact.repository';
import { lockDelivery, markDeliveryDone } from './delivery.repository';
import { wantsNews } from './consent';

export function unsubscribeUrl(config: ReadyConfig, donorId: number): string {
  return `${publicUrl(config)}/unsubscribe/${signToken(config.sessionSecret, 'unsubscribe', String(donorId))}`;
}

/** The headers every news email carries so that a mail program can offer its own stop button. */
export function newsUnsubscribeHeaders(unsubscribe: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribe}>`,
    // RFC 8058 one-click unsubscribe: the mail program POSTs "List-Unsubscribe=One-Click" to the link,
    // which withdraws the donor's consent (impact.routes.ts). The RFC allows it over https only.
    ...(unsubscribe.startsWith('https://') ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
  };
}

export type ImpactSendOutcome = 'sent' | 'skipped: no consent' | 'already done' | 'no such delivery';

/** Inside the send's transaction: locks the delivery, then either says why there is nothing to send or writes the email. */
async function prepareImpactEmail(config: ReadyConfig, trx: Trx, updateId: number, donorId: number): Promise<{ done: ImpactSendOutcome } | { message: Mail.Options; sent: ImpactSendOutcome }> {
  const delivery = await lockDelivery(trx, updateId, donorId);
  if (!delivery) return { done: 'no such delivery' };
  if (delivery.sent_at || delivery.skipped_at) return { done: 'already done' };
  const donor = await findImpactRecipient(trx, donorId);
  if (!donor) throw new Error(`impact: no donor ${donorId} for the delivery of update ${updateId}`);
  // Asked again here, in the transaction that sends: the donor may have said no (from an earlier update's
  // email, or their account) after the fan-out found them.
  if (!(await wantsNews(trx, donorId))) {
    await markDeliveryDone(trx, updateId, donorId, 'skipped_at');
    return { done: 'skipped: no consent' };
  }
  const update = await findUpdateWithCampaign(trx, updateId);
  if (!update) throw new Error(`impact: no update ${updateId}`);
  return { message: await composeImpactEmail(config, donor, update), sent: 'sent' };
}

async function composeImpactEmail(config: ReadyConfig, donor: ImpactRecipient, update: UpdateWithCampaign): Promise<Mail.Options> {
  const locale = localeFrom(donor.locale);
  const campaign = localize(update.campaign_title, locale);
  const unsubscribe = unsubscribeUrl(config, donor.id);
  // In the donor's language, or as it falls back: zh-HK reads an update written in Simplified converted.
  const shown = impactUpdateView(update, locale);
  const view = {
    locale,
    ...impactEmailWords(locale, campaign, shown.title, donor.name),
    update: { ...shown, bodyMarkdown: localizeWithLanguage(update.body_markdown, locale, convertKeepingAddresses).text },
    campaignUrl: `${publicUrl(config)}/campaigns/${update.campaign_slug}#update-${update.id}`,
    unsubscribeUrl: unsubscribe,
    organisation: organisationIn(config.organisation, locale),
  };
  const { html, text } = await renderEmail('impact', view, config.env === 'production');
  return {
    from: mailSender(config, locale),
    to: donor.email,
    subject: view.subject,
    html,
    text,
    messageId: messageIdFor(config.mailFrom, `impact-${update.id}-${donor.id}`),
    headers: { 'Content-Language': locale, ...newsUnsubscribeHeaders(unsubscribe) },
  };
}

export async function sendImpactEmail(ctx: Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger'>, updateId: number, donorId: number): Promise<ImpactSendOutcome> {
  const outcome = await sendOnce<ImpactSendOutcome>(ctx, {
    describe: { updateId, donorId },
    prepare: (trx) => prepareImpactEmail(ctx.config, trx, updateId, donorId),
    markSent: (db, onlyIfUnsent) => markDeliveryDone(db, updateId, donorId, 'sent_at', onlyIfUnsent),
  });
  // After the commit, so that of two last sends finishing together, the later one sees both.
  if (outcome !== 'no such delivery') await completeIfDone(ctx.db, updateId);
  return outcome;
}
