// How an impact update reads, on the campaign page and in the email alike.
import type { ImpactUpdate } from './impact.table';
import type { Locale } from '../locale';
import { impactWordingFor } from './wording';

export function impactUpdateView(update: Pick<ImpactUpdate, 'id' | 'title' | 'body_html' | 'figures' | 'photos' | 'created_at'>, locale: Locale) {
  const { wording: w } = impactWordingFor(locale);
  const numbers = new Intl.NumberFormat(locale);
  return {
    id: update.id,
    anchor: `update-${update.id}`,
    title: update.title,
    postedAt: update.created_at,
    /** Sanitised when posted; templates output it unescaped. */
    bodyHtml: update.body_html,
    figures: update.figures.map((figure) => ({ label: figure.label, value: numbers.format(figure.value) })),
    photos: update.photos.map((photo, index) => ({ url: photo.url, alt: photo.alt ?? w.photoAlt(index + 1, update.title) })),
  };
}

export type ImpactUpdateView = ReturnType<typeof impactUpdateView>;
