// How an impact update reads: on the campaign page, in the email, and the unsubscribe page behind its link.
import type { ImpactUpdate } from '../tables/impact-updates.table';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';

export function impactUpdateView(update: Pick<ImpactUpdate, 'id' | 'title' | 'body_html' | 'figures' | 'photos' | 'created_at'>, locale: Locale) {
  const numbers = new Intl.NumberFormat(locale);
  return {
    id: update.id,
    anchor: `update-${update.id}`,
    title: update.title,
    postedAt: update.created_at,
    /** Sanitised when posted; templates output it unescaped. */
    bodyHtml: update.body_html,
    figures: update.figures.map((figure) => ({ label: figure.label, value: numbers.format(figure.value) })),
    photos: update.photos.map((photo, index) => ({ url: photo.url, alt: photo.alt ?? translate(locale, 'impact.photoAlt', { index: index + 1, title: update.title }) })),
  };
}

export type ImpactUpdateView = ReturnType<typeof impactUpdateView>;

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
