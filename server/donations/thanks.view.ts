// The thank-you page a donor returns to from Checkout, from what the webhook has recorded so far.
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney, toMajorUnits } from '../money';
import type { ShareLinks } from '../campaigns/share';
import type { findDonationByCheckoutSession } from './donation.repository';

type ReturningDonation = NonNullable<Awaited<ReturnType<typeof findDonationByCheckoutSession>>>;

/** A one-off gift that went through (or is going through) is offered again as a monthly gift, and sharing. */
function afterTheGift(donation: ReturningDonation, locale: Locale, share: ShareLinks) {
  const monthly =
    donation.frequency === 'once'
      ? {
          href: `/campaigns/${donation.campaign_slug}?frequency=month&amount=${toMajorUnits(donation)}&currency=${donation.currency}&utm_source=thanks-monthly#give`,
          label: translate(locale, 'thanks.monthlyLink', { amount: formatMoney(donation, locale) }),
        }
      : null;
  return { monthly, share };
}

export function thanksView(donation: ReturningDonation, locale: Locale, retryToken: string, share: ShareLinks) {
  const confirmed = ['succeeded', 'partially_refunded', 'refunded', 'disputed'].includes(donation.status);
  const unsuccessful = donation.status === 'failed' || donation.status === 'expired';
  const giftKey = donation.frequency === 'month' ? 'thanks.giftMonth' : donation.frequency === 'year' ? 'thanks.giftYear' : 'thanks.giftOnce';
  return {
    title: translate(locale, confirmed ? 'thanks.title' : 'thanks.titlePending'),
    // The page only reads what the webhook recorded; while it has not arrived, look again shortly.
    refreshSeconds: confirmed || unsuccessful ? undefined : 3,
    confirmed,
    unsuccessful,
    pending: !confirmed && !unsuccessful,
    gift: translate(locale, giftKey, { amount: formatMoney(donation, locale) }),
    campaign: { slug: donation.campaign_slug, title: localize(donation.campaign_title, locale) },
    name: donation.donor_name,
    retryHref: `/campaigns/${donation.campaign_slug}?retry=${retryToken}#give`,
    after: unsuccessful ? null : afterTheGift(donation, locale, share),
  };
}
