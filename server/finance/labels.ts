// The words finance pages use for statuses, payment methods and donor types, in the reader's language.
import { isMessageKey, translate } from '../i18n/messages';
import type { Locale } from '../locale';

/** The catalog's words for `value` under `prefix`; a value the catalog does not name (data may hold one) is `fallback`. */
function wordsFor(locale: Locale, prefix: string, value: string, fallback: string): string {
  const key = `${prefix}${value}`;
  return isMessageKey(key) ? translate(locale, key) : fallback;
}

/** A donation's or a refund request's status as words: "partially refunded". */
export const statusLabel = (locale: Locale, status: string): string => wordsFor(locale, 'finance.status.', status, status.replace(/_/g, ' '));

/** A payment method's name, empty when there is none. */
export const methodLabel = (locale: Locale, method: string | null | undefined): string => (method ? wordsFor(locale, 'finance.method.', method, method) : '');

/** Who gave, as the offline form asks it: "A chamber of commerce". */
export const donorTypeLabel = (locale: Locale, type: string): string => wordsFor(locale, 'finance.donorType.', type, type);

/** The options of a select, each labelled and marked when it is the chosen one. */
export const choices = <T extends string>(values: readonly T[], label: (value: T) => string, selected: string | undefined) =>
  values.map((value) => ({ value, label: label(value), selected: value === selected }));
