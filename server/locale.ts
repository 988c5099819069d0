// Which languages the platform speaks, and how text kept in several of them falls back from one to another.
import { toSimplified, toTraditional } from './chinese';

export const locales = ['en', 'zh-CN', 'zh-HK'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** Languages as their own speakers name them, for every language switch and choice. */
export const languageNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文', 'zh-HK': '繁體中文' };

/** Text kept in several languages, e.g. {"en": "Happy Smile", "zh-CN": "微笑行动"}; at least one is present. */
export type LocalizedText = Partial<Record<Locale, string>>;

/**
 * The text in `locale`; else, for Chinese, the other script's text converted (a Hong Kong reader of a story
 * written only in Simplified Chinese reads it in Traditional characters); else English; else whatever there is.
 */
export function localize(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  const own = text[locale];
  if (own) return own;
  if (locale === 'zh-HK' && text['zh-CN']) return toTraditional(text['zh-CN']);
  if (locale === 'zh-CN' && text['zh-HK']) return toSimplified(text['zh-HK']);
  return text[defaultLocale] || text['zh-CN'] || text['zh-HK'] || '';
}
