// How an impact update reads, in each reader's language: on the campaign page, in the email, in the staff
// dashboard's list, and the unsubscribe page behind the email's link.
import type { ImpactUpdate } from '../tables/impact-updates.table';
import { translate } from '../i18n/messages';
import { languageNames, localize, locales, type Locale, type LocalizedText } from '../locale';

/**
 * The language a reader of `locale` reads `text` in, in the order `localize` falls back: their own; for
 * Chinese, the other script's text converted (and so in their own); else English; else what there is.
 */
export function languageRead(text: LocalizedText | null | undefined, locale: Locale): Locale | undefined {
  if (!text) return undefined;
  if (text[locale]) return locale;
  if ((locale === 'zh-HK' && text['zh-CN']) || (locale === 'zh-CN' && text['zh-HK'])) return locale;
  return text.en ? 'en' : text['zh-CN'] ? 'zh-CN' : text['zh-HK'] ? 'zh-HK' : undefined;
}

/**
 * `text` for a reader of `locale`, with the lang attribute its element needs when it falls back to another
 * language than the page's (undefined otherwise), so that a screen reader pronounces it as written.
 */
export function readIn(text: LocalizedText | null | undefined, locale: Locale): { text: string; lang: Locale | undefined } {
  const read = languageRead(text, locale);
  return { text: localize(text, locale), lang: read && read !== locale ? read : undefined };
}

/**
 * The update in the reader's language; each part falls back on its own and carries its `lang` when it
 * did. Title and bodies are always written in the same languages, so they fall back together.
 */
export function impactUpdateView(update: Pick<ImpactUpdate, 'id' | 'title' | 'body_html' | 'figures' | 'photos' | 'created_at'>, locale: Locale) {
  const numbers = new Intl.NumberFormat(locale);
  const title = readIn(update.title, locale);
  return {
    id: update.id,
    anchor: `update-${update.id}`,
    title: title.text,
    /** The lang attribute of the title and body: set only when they are not in the page's language. */
    lang: title.lang,
    postedAt: update.created_at,
    /** Sanitised when posted; templates output it unescaped. */
    bodyHtml: localize(update.body_html, locale),
    figures: update.figures.map((figure) => {
      const label = readIn(figure.label, locale);
      return { label: label.text, lang: label.lang, value: numbers.format(figure.value) };
    }),
    photos: update.photos.map((photo, index) => {
      // Without a description of its own, a photo is described in the reader's language, by the title they read.
      const alt = photo.alt ? readIn(photo.alt, locale) : { text: translate(locale, 'impact.photoAlt', { index: index + 1, title: title.text }), lang: undefined };
      return { url: photo.url, alt: alt.text, lang: alt.lang };
    }),
  };
}

export type ImpactUpdateView = ReturnType<typeof impactUpdateView>;

/** An update as the staff dashboard lists it: its title for the staff member, and the languages it is written in. */
export function impactUpdateSummary(update: Pick<ImpactUpdate, 'title'>, locale: Locale) {
  const title = readIn(update.title, locale);
  return { title: title.text, lang: title.lang, languages: locales.filter((language) => update.title[language]).map((code) => ({ code, name: languageNames[code] })) };
}

/** The email's words around the update: who it greets, and why they receive it. */
export function impactEmailWords(locale: Locale, campaign: string, title: string, donorName: string | null) {
  return {
    subject: translate(locale, 'impact.subject', { campaign, title }),
    greeting: translate(locale, 'impact.greeting', { name: donorName ?? translate(locale, 'impact.friend') }),
    intro: translate(locale, 'impact.intro', { campaign }),
    why: translate(locale, 'impact.why', { campaign }),
  };
}

/** The unsubscribe page: a question with a button, or, once done, the confirmation. */
export function unsubscribePageView(locale: Locale, email: string, token: string, done: boolean) {
  const heading = translate(locale, done ? 'impact.unsubscribed.title' : 'impact.unsubscribe.title');
  return {
    title: heading,
    locale,
    heading,
    message: done ? translate(locale, 'impact.unsubscribed.body', { email }) : translate(locale, 'impact.unsubscribe.question', { email }),
    done,
    action: `/unsubscribe/${token}`,
    button: translate(locale, 'impact.unsubscribe.button'),
  };
}
