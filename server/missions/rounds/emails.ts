// The email a round's report owes each donor who agreed to news: their own share, in their language,
// with the one-click way to stop such news. Consent is asked again as it is written: a no since the
// report was published sends nothing.
import { publicUrl } from '../../config';
import { localeFrom } from '../../http/language';
import { translate } from '../../i18n/messages';
import { wantsNews } from '../../impact/consent';
import { findImpactRecipient } from '../../impact/impact.repository';
import { newsUnsubscribeHeaders, unsubscribeUrl } from '../../impact/send';
import { organisationIn } from '../../organisation';
import { renderEmail, type Composer } from '../../outbox/send';
import { listDonorShares } from './report.repository';
import { shareRule, sharesOfRounds } from './share.view';

export const roundReportEmail: Composer = async ({ config }, trx, payload) => {
  const donorId = Number(payload.donorId);
  const campaignId = Number(payload.campaignId);
  const donor = await findImpactRecipient(trx, donorId);
  if (!donor || !(await wantsNews(trx, donorId))) return undefined;
  const locale = localeFrom(donor.locale);
  const share = sharesOfRounds(
    (await listDonorShares(trx, donorId)).filter((row) => row.campaign_id === campaignId),
    locale,
  )[0];
  if (!share) return undefined;
  const site = publicUrl(config);
  const unsubscribe = unsubscribeUrl(config, donorId);
  const view = {
    locale,
    subject: translate(locale, 'share.email.subject', { round: share.round }),
    greeting: translate(locale, 'share.email.greeting', { name: donor.name ?? translate(locale, 'share.email.friend') }),
    intro: translate(locale, 'share.email.intro', { round: share.round }),
    sentences: share.sentences,
    rule: shareRule(share.reportCurrency, locale),
    roundUrl: `${site}${share.href}`,
    accountUrl: `${site}/account`,
    why: translate(locale, 'share.email.why'),
    unsubscribeUrl: unsubscribe,
    organisation: organisationIn(config.organisation, locale),
  };
  const { html, text } = await renderEmail('round-report', view, config.env === 'production');
  return { to: donor.email, subject: view.subject, locale, html, text, headers: newsUnsubscribeHeaders(unsubscribe) };
};
