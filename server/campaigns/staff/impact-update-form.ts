// The dashboard's form for posting an impact update: a title and body per language, a table of figures (one
// number each, a label per language) and a table of photos (an address, a description per language); its
// fields as typed, what they post, and where its messages go (impact-update-form.view.ts shows it).
import { cleanText, oneLine } from '../../http/text';
import type { ImpactUpdateInput } from '../../impact/post';
import { impactLimits, parseFigureValue } from '../../impact/post';
import { locales, type Locale, type LocalizedText } from '../../locale';

/** How each language ends the name of its fields, as on the campaign form: impact_title_en, impact_title_zh, impact_title_zh_hk. */
export const fieldSuffix: Record<Locale, string> = { en: 'en', 'zh-CN': 'zh', 'zh-HK': 'zh_hk' };
export const blankTexts = (): Record<Locale, string> => ({ en: '', 'zh-CN': '', 'zh-HK': '' });

export interface FigureRow {
  /** As typed: "1,200" reads as 1200. */
  value: string;
  label: Record<Locale, string>;
}

export interface PhotoRow {
  url: string;
  alt: Record<Locale, string>;
}

/** The form as typed, to be shown again beside its messages. */
export interface ImpactFormValues {
  title: Record<Locale, string>;
  body: Record<Locale, string>;
  figures: FigureRow[];
  photos: PhotoRow[];
}

export const blankImpactValues: ImpactFormValues = { title: blankTexts(), body: blankTexts(), figures: [], photos: [] };

/** A field sent once or once per table row, always as a list. */
function listOf(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(oneLine);
}

/** The table's rows as typed, the wholly blank ones dropped: the rows left are numbered as the messages count them. */
function rowsOf<Row>(body: Record<string, unknown>, headField: string, textField: string, make: (head: string, texts: Record<Locale, string>) => Row, limit: number): Row[] {
  const heads = listOf(body[headField]);
  const perLanguage = Object.fromEntries(locales.map((locale) => [locale, listOf(body[`${textField}_${fieldSuffix[locale]}`])])) as Record<Locale, string[]>;
  const count = Math.max(heads.length, ...locales.map((locale) => perLanguage[locale].length));
  const rows: Row[] = [];
  // A table longer than the form shows was not typed into it; one row past the limit is enough to say so.
  for (let i = 0; i < Math.min(count, limit + 1); i++) {
    const texts = Object.fromEntries(locales.map((locale) => [locale, perLanguage[locale][i] ?? ''])) as Record<Locale, string>;
    const head = heads[i] ?? '';
    if (head !== '' || locales.some((locale) => texts[locale] !== '')) rows.push(make(head, texts));
  }
  return rows;
}

export function impactFormValues(body: Record<string, unknown> | undefined): ImpactFormValues {
  const form = body ?? {};
  const texts = (field: string, read: (value: unknown) => string) => Object.fromEntries(locales.map((locale) => [locale, read(form[`${field}_${fieldSuffix[locale]}`])])) as Record<Locale, string>;
  return {
    // A title heads the email to donors: one line. A body is a textarea and keeps its lines.
    title: texts('impact_title', oneLine),
    body: texts('impact_body', cleanText),
    figures: rowsOf(form, 'impact_figure_value', 'impact_figure_label', (value, label) => ({ value, label }), impactLimits.figures),
    photos: rowsOf(form, 'impact_photo_url', 'impact_photo_alt', (url, alt) => ({ url, alt }), impactLimits.photos),
  };
}

/** The languages typed in, each as its own text; the others left out. */
function typed(texts: Record<Locale, string>): LocalizedText {
  return Object.fromEntries(locales.filter((locale) => texts[locale] !== '').map((locale) => [locale, texts[locale]]));
}

/** What the form posts, for impact/post.ts to check and store. */
export function impactInput(campaignSlug: string, values: ImpactFormValues): ImpactUpdateInput {
  return {
    campaignSlug,
    title: typed(values.title),
    bodyMarkdown: typed(values.body),
    // Not a number (NaN) is for impact/post.ts to say beside the table, with the other figures' messages.
    figures: values.figures.map((row) => ({ label: typed(row.label), value: parseFigureValue(row.value) ?? Number.NaN })),
    photos: values.photos.map((row) => {
      const alt = typed(row.alt);
      return { url: row.url, alt: Object.keys(alt).length > 0 ? alt : null };
    }),
  };
}

/** The form's field for each field impact/post.ts checks (see its checkInput); anything else is put against the campaign. */
function formField(field: string): string {
  const [name, language] = field.split('.') as [string, Locale | undefined];
  if ((name === 'title' || name === 'body') && language && locales.includes(language)) return `impact_${name}_${fieldSuffix[language]}`;
  // Nothing written at all: said beside the first title.
  if (name === 'text') return `impact_title_${fieldSuffix.en}`;
  if (name === 'figures' || name === 'photos') return `impact_${name}`;
  return 'impact_campaign';
}

/** A posting's messages keyed by impact/post.ts's fields, keyed instead by the form's fields. */
export function impactFormErrors(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, message]) => [formField(field), message]));
}
