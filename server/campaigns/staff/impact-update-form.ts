// The dashboard's form for posting an impact update: its fields as typed, and the figures and photos read from their lines.
import { cleanText, oneLine } from '../../http/text';
import { translate } from '../../i18n/messages';
import type { ImpactFigure, ImpactPhoto } from '../../tables/impact-updates.table';
import type { Locale } from '../../locale';

export interface ImpactFormValues {
  impact_title: string;
  impact_body: string;
  impact_figures: string;
  impact_photos: string;
}

export const blankImpactValues: ImpactFormValues = { impact_title: '', impact_body: '', impact_figures: '', impact_photos: '' };

export function impactFormValues(body: Record<string, unknown> | undefined): ImpactFormValues {
  return {
    // The title heads the email to donors: one line. The rest are textareas and keep their lines.
    impact_title: oneLine(body?.impact_title),
    impact_body: cleanText(body?.impact_body),
    impact_figures: cleanText(body?.impact_figures),
    impact_photos: cleanText(body?.impact_photos),
  };
}

/** The form's field for each field impact/post.ts checks; anything else is put against the campaign. */
const impactFields: Record<string, string> = { title: 'impact_title', body: 'impact_body', figures: 'impact_figures', photos: 'impact_photos', campaign: 'impact_campaign' };

/** A posting's messages keyed by impact/post.ts's fields, keyed instead by the form's fields. */
export function impactFormErrors(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, message]) => [impactFields[field] ?? 'impact_campaign', message]));
}

const lines = (text: string) => text.split(/\r?\n/).map((line) => line.trim());

/** "Children operated = 152", one a line; blank lines are skipped. */
export function readFigures(text: string, locale: Locale): { figures: ImpactFigure[]; problem?: string } {
  const figures: ImpactFigure[] = [];
  for (const [index, line] of lines(text).entries()) {
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    const label = line.slice(0, Math.max(0, at)).trim();
    const number = line.slice(at + 1).replace(/[\s,_]/g, '');
    if (at <= 0 || label === '' || !/^\d+(\.\d+)?$/.test(number)) return { figures, problem: translate(locale, 'campaignStaff.impact.figureLine', { line: index + 1 }) };
    figures.push({ label, value: Number(number) });
  }
  return { figures };
}

/** "https://… what it shows", one a line. */
export function readPhotos(text: string): ImpactPhoto[] {
  return lines(text)
    .filter((line) => line !== '')
    .map((line) => {
      const [url = '', ...alt] = line.split(/\s+/);
      return { url, alt: alt.join(' ') || null };
    });
}
