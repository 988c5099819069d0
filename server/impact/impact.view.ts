// How an impact update reads, in each reader's language: on the campaign page, in the email, in the staff
// dashboard's list, and the unsubscribe page behind the email's link.
import type { ImpactUpdate } from '../tables/impact-updates.table';
import { translate } from '../i18n/messages';
import { languageNames, localizeWithLanguage, locales, type Locale, type LocalizedText } from '../locale';
import { convertImpactHtml } from './post';

/**
 * `text` for a reader of `locale`, with the lang attribute its element needs when it falls back to another
 * language than the page's (undefined otherwise), so that a screen reader pronounces it as written.
 */
export function readIn(text: LocalizedText | null | undefined, locale: Locale): { text: string; lang: Locale | undefined } {
  const read = localizeWithLanguage(text, locale);
  return { text: read.text, lang: read.lang && read.lang !== locale ? read.lang : undefined };
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
    /** Sanitised when posted (and again when converted to the other script); templates output it unescaped. */
    bodyHtml: localizeWithLanguage(update.body_html, locale, convertImpactHtml).text,
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
