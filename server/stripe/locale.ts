// The language Stripe's own pages (Checkout, the billing portal) speak for one of ours.
import type { Locale } from '../locale';

/** Stripe's code for our locale: 'zh' is its Simplified Chinese, 'zh-HK' its Hong Kong Traditional. */
export function stripeLocale(locale: Locale): 'en' | 'zh' | 'zh-HK' {
  if (locale === 'zh-CN') return 'zh';
  return locale;
}
