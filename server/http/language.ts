// Which language a request is answered in: ?lang= first (and remembered in a cookie), then the cookie,
// then the browser's Accept-Language, then English. Every page gets links to switch.
import type { Request, RequestHandler, Response } from 'express';
import { translate, type MessageKey } from '../i18n/messages';
import { defaultLocale, languageNames, locales, type Locale } from '../locale';

const cookieName = 'sf_lang';

export function asLocale(value: unknown): Locale | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  // Traditional characters: Hong Kong's, and Taiwan's and Macau's, which read Hong Kong's far better than
  // Simplified; and Cantonese, which Hong Kong writes in them.
  if (/^(zh-(hk|tw|mo|hant|yue)|yue)(-|$)/.test(lower)) return 'zh-HK';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  return undefined;
}

/** The language a stored or typed value names, else the default: for a donor's or a gift's saved locale. */
export function localeFrom(value: unknown): Locale {
  return asLocale(value) ?? defaultLocale;
}

function cookieLanguage(req: Request): Locale | undefined {
  const match = /(?:^|;\s*)sf_lang=([^;]+)/.exec(req.headers.cookie ?? '');
  // Only a language code is ever stored here: anything needing percent-decoding is not ours to read.
  return match?.[1] && /^[A-Za-z-]{2,10}$/.test(match[1]) ? asLocale(match[1]) : undefined;
}

export function negotiateLocale(req: Request): { locale: Locale; chosen: boolean } {
  const asked = asLocale(req.query.lang);
  if (asked) return { locale: asked, chosen: true };
  const remembered = cookieLanguage(req);
  if (remembered) return { locale: remembered, chosen: false };
  // The browser's languages best first, each read whole: zh-Hant-HK is Traditional, not merely some zh.
  const accepted = req.acceptsLanguages().map(asLocale).find((locale) => locale !== undefined);
  return { locale: accepted ?? defaultLocale, chosen: false };
}

/** The same address with another ?lang=, for the switch. */
function withLanguage(originalUrl: string, locale: Locale): string {
  // Prefixed, not resolved against a base: an address starting with // would be read as another host.
  const url = new URL(`http://localhost${originalUrl}`);
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}

export function languageNegotiation(options: { secure: boolean }): RequestHandler {
  return (req, res, next) => {
    const { locale, chosen } = negotiateLocale(req);
    if (chosen) res.cookie(cookieName, locale, { httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: 365 * 24 * 3600_000 });
    res.locals.locale = locale;
    // Only pages show the switch; JSON answers should not pay for parsing their address twice.
    Object.defineProperty(res.locals, 'languages', {
      enumerable: true,
      // A page may speak another language than the request's (a receipt speaks the donor's), hence read late.
      get: () => locales.map((code) => ({ code, name: languageNames[code], href: withLanguage(req.originalUrl, code), current: code === localeOf(res) })),
    });
    res.vary('Accept-Language').vary('Cookie');
    next();
  };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The language this response speaks; set for every request. */
      locale?: Locale;
    }
  }
}

/** The language this response speaks: the one negotiated for the request, else the default. */
export function localeOf(res: Response): Locale {
  return res.locals.locale ?? defaultLocale;
}

/** A sentence of the catalog in the language this response speaks. */
export function say(res: Response, key: MessageKey, values?: Record<string, string | number>): string {
  return translate(localeOf(res), key, values);
}
