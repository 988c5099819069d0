// Which languages the platform speaks, and how bilingual content falls back from one to the other.
export const locales = ['en', 'zh-CN'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** Languages as their own speakers name them, for every language switch and choice. */
export const languageNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** Text kept in several languages, e.g. {"en": "Happy Smile", "zh-CN": "微笑行动"}; at least one is present. */
export type LocalizedText = Partial<Record<Locale, string>>;

export function localize(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text[defaultLocale] ?? Object.values(text).find((value) => value !== undefined) ?? '';
}
