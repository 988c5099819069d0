// Template data shared by finance's pages: the finance home, and the campaign and currency choices of its filters and forms.
import { translate, type MessageKey } from '../i18n/messages';
import { defaultLocale, localize, type Locale } from '../locale';
import type { CampaignOption } from './gift.repository';

export function homeView(locale: Locale) {
  const say = (key: MessageKey) => translate(locale, key);
  return {
    title: say('finance.home.heading'),
    links: [
      { href: '/staff/finance/gifts', label: say('finance.gifts.heading'), description: say('finance.home.link.giftsDescription') },
      { href: '/staff/finance/offline-gifts', label: say('finance.offline.heading'), description: say('finance.home.link.offlineDescription') },
      { href: '/staff/finance/rounds', label: say('rounds.list.heading'), description: say('rounds.home.description') },
      { href: '/staff/finance/payouts', label: say('finance.payouts.heading'), description: say('finance.home.link.payoutsDescription') },
      { href: '/staff/finance/reconciliation', label: say('finance.reconciliation.heading'), description: say('finance.home.link.reconciliationDescription') },
    ],
    exports: [
      { href: '/staff/finance/exports/gifts.csv', label: say('finance.home.export.gifts'), description: say('finance.home.export.giftsDescription') },
      { href: '/staff/finance/exports/donors.csv', label: say('finance.home.export.donors'), description: say('finance.home.export.donorsDescription') },
    ],
  };
}

/** The campaigns to choose from (`selected` marked) and every currency any of them takes. */
export function campaignChoices(options: CampaignOption[], selected: string | undefined) {
  return {
    campaigns: options.map((c) => ({ value: c.slug, label: `${localize(c.title, defaultLocale)} (${c.slug})`, selected: c.slug === selected })),
    currencies: [...new Set(options.flatMap((c) => [c.target_currency, ...c.accepted_currencies]))].sort(),
  };
}

export const currencyChoices = (currencies: string[], selected: string | undefined) => currencies.map((c) => ({ value: c, label: c, selected: c === selected }));
