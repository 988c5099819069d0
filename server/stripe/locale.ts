// The language Stripe's own pages (Checkout, the billing portal) speak for one of ours.
import type { Locale } from '../locale';

/** Stripe's code for our locale: its Chinese pages are Simplified, as ours are. */
export function stripeLocale(locale: Locale): 'en' | 'zh' {
  return locale === 'zh-CN' ? 'zh' : 'en';
}
