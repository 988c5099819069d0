// The page a donor waits on for their turn at Checkout while Stripe is busy: it asks again by itself.
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import { formatMoney } from '../money';
import type { WaitingGift } from './checkout-wait.repository';

export function waitingView({ donation, campaign }: WaitingGift, locale: Locale, page: { organisation: string; refreshSeconds: number; href: string }) {
  const giftKey = donation.frequency === 'month' ? 'waiting.giftMonth' : donation.frequency === 'year' ? 'waiting.giftYear' : 'waiting.giftOnce';
  return {
    title: translate(locale, 'waiting.title'),
    // Without JavaScript too: the browser asks again, sooner the nearer the donor's turn (begin-gift.ts's turnOf).
    refreshSeconds: page.refreshSeconds,
    body: translate(locale, 'waiting.body', { organisation: page.organisation }),
    gift: translate(locale, giftKey, { amount: formatMoney(donation, locale), campaign: localize(campaign.title, locale) }),
    checkNowHref: page.href,
  };
}
