// Which languages the platform speaks, and how text kept in several of them falls back from one to another.
import { toScript, type ChineseScript } from './chinese';

export const locales = ['en', 'zh-CN', 'zh-HK'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** Languages as their own speakers name them, for every language switch and choice. */
export const languageNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文', 'zh-HK': '繁體中文' };

/** Text kept in several languages, e.g. {"en": "Happy Smile", "zh-CN": "微笑行动"}; at least one is present. */
export type LocalizedText = Partial<Record<Locale, string>>;

/** Turns text in one Chinese script into `into`'s characters; HTML is converted with its tags kept (impact/post.ts). */
export type ScriptConversion = (text: string, into: ChineseScript) => string;

/**
 * The text in `locale`, and the language it is then in (undefined only for no text at all): the reader's
 * own; else, for Chinese, the other script's text converted (a Hong Kong reader of a story written only in
 * Simplified Chinese reads it in Traditional characters, and so in their own language); else English; else
 * whatever there is.
 */
export function localizeWithLanguage(text: LocalizedText | null | undefined, locale: Locale, convert: ScriptConversion = toScript): { text: string; lang: Locale | undefined } {
  if (!text) return { text: '', lang: undefined };
  const own = text[locale];
  if (own) return { text: own, lang: locale };
  if (locale !== 'en') {
    const otherScript = text[locale === 'zh-HK' ? 'zh-CN' : 'zh-HK'];
    if (otherScript) return { text: convert(otherScript, locale), lang: locale };
  }
  const fallback = ([defaultLocale, 'zh-CN', 'zh-HK'] as const).find((language) => text[language]);
  return fallback ? { text: text[fallback]!, lang: fallback } : { text: '', lang: undefined };
}

/** The text in `locale`, falling back as localizeWithLanguage says. */
export function localize(text: LocalizedText | null | undefined, locale: Locale): string {
  return localizeWithLanguage(text, locale).text;
}

/** What a form's three fields of one text hold, each left out when empty so readers fall back (see localize). */
export function writtenText(en: string, zhCN: string, zhHK: string): LocalizedText {
  return { ...(en ? { en } : {}), ...(zhCN ? { 'zh-CN': zhCN } : {}), ...(zhHK ? { 'zh-HK': zhHK } : {}) };
}
