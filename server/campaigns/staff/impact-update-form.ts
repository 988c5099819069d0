// The dashboard's form for posting an impact update: a title and body per language, a table of figures (one
// number each, a label per language) and a table of photos (an address, a description per language); its
// fields as typed, what they post, and how the form shows them again beside their messages.
import { cleanText, oneLine } from '../../http/text';
import { translate } from '../../i18n/messages';
import type { ImpactUpdateInput } from '../../impact/post';
import { impactLimits } from '../../impact/post';
import { languageNames, locales, type Locale, type LocalizedText } from '../../locale';

/** How each language ends the name of its fields, as on the campaign form: impact_title_en, impact_title_zh, impact_title_zh_hk. */
const fieldSuffix: Record<Locale, string> = { en: 'en', 'zh-CN': 'zh', 'zh-HK': 'zh_hk' };
const blankTexts = (): Record<Locale, string> => ({ en: '', 'zh-CN': '', 'zh-HK': '' });

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

/** "1,200" or "1 200" as 1200; anything else is not a number, which impact/post.ts says beside the table. */
function figureValue(text: string): number {
  const digits = text.replace(/[\s,_]/g, '');
  return /^\d+(\.\d+)?$/.test(digits) ? Number(digits) : Number.NaN;
}

/** What the form posts, for impact/post.ts to check and store. */
export function impactInput(campaignSlug: string, values: ImpactFormValues): ImpactUpdateInput {
  return {
    campaignSlug,
    title: typed(values.title),
    bodyMarkdown: typed(values.body),
    figures: values.figures.map((row) => ({ label: typed(row.label), value: figureValue(row.value) })),
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

/** Blank rows after those typed: at least `least` rows in all, and two to spare, up to the limit. */
const withBlankRows = <Row>(rows: Row[], least: number, limit: number, blank: () => Row): Row[] => {
  const total = Math.min(limit, Math.max(least, rows.length + 2));
  return [...rows, ...Array.from({ length: Math.max(0, total - rows.length) }, blank)];
};

/** The form as the dashboard shows it: a fieldset per language, the figures' and photos' tables, and the messages. */
export function impactFormView(values: ImpactFormValues, errors: Record<string, string>, locale: Locale) {
  const languages = locales.map((language) => ({ code: language, name: languageNames[language], suffix: fieldSuffix[language] }));
  return {
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
    limits: impactLimits,
    languages: languages.map(({ code, name, suffix }) => ({
      code,
      name,
      titleField: `impact_title_${suffix}`,
      bodyField: `impact_body_${suffix}`,
      title: values.title[code],
      body: values.body[code],
      titleError: errors[`impact_title_${suffix}`],
      bodyError: errors[`impact_body_${suffix}`],
    })),
    /** The figures' and photos' column headings. */
    labelHeadings: languages.map(({ code, name }) => ({ code, text: translate(locale, 'campaignStaff.dashboard.post.labelIn', { language: name }) })),
    altHeadings: languages.map(({ code, name }) => ({ code, text: translate(locale, 'campaignStaff.dashboard.post.altIn', { language: name }) })),
    figureRows: withBlankRows(values.figures, 5, impactLimits.figures, () => ({ value: '', label: blankTexts() })).map((row, index) => ({
      number: index + 1,
      value: row.value,
      valueLabel: translate(locale, 'campaignStaff.dashboard.post.figureValueOf', { number: index + 1 }),
      labels: languages.map(({ code, name, suffix }) => ({
        code,
        field: `impact_figure_label_${suffix}`,
        value: row.label[code],
        ariaLabel: translate(locale, 'campaignStaff.dashboard.post.figureLabelOf', { number: index + 1, language: name }),
      })),
    })),
    photoRows: withBlankRows(values.photos, 3, impactLimits.photos, () => ({ url: '', alt: blankTexts() })).map((row, index) => ({
      number: index + 1,
      url: row.url,
      urlLabel: translate(locale, 'campaignStaff.dashboard.post.photoUrlOf', { number: index + 1 }),
      alts: languages.map(({ code, name, suffix }) => ({
        code,
        field: `impact_photo_alt_${suffix}`,
        value: row.alt[code],
        ariaLabel: translate(locale, 'campaignStaff.dashboard.post.photoAltOf', { number: index + 1, language: name }),
      })),
    })),
  };
}
