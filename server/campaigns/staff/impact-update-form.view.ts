// The dashboard's form for posting an impact update as its template shows it: a fieldset per language, the
// figures' and photos' tables with blank rows to type into, and the messages beside their fields.
import { translate } from '../../i18n/messages';
import { impactLimits } from '../../impact/post';
import { languageNames, locales, type Locale } from '../../locale';
import { blankTexts, fieldSuffix, type ImpactFormValues } from './impact-update-form';

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
