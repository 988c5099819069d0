// The staff form for a mission: its fields as typed, filled from a stored mission or blank, and checked
// field by field in the staff member's language into what is saved.
import { campaignCurrencies } from '../campaigns/staff/campaign-form';
import { checkTextFields, slugProblem, type Say, type TextField } from '../campaigns/staff/campaign-validation';
import { cleanText, oneLine } from '../http/text';
import { translate } from '../i18n/messages';
import { writtenText, type Locale } from '../locale';
import type { Mission } from '../tables/missions.table';
import type { MissionColumns } from './mission.repository';

/** Each text in English (`_en`), Simplified Chinese (`_zh`, stored as zh-CN) and Traditional Chinese as Hong Kong writes it (`_zh_hk`). */
export interface MissionFormValues {
  slug: string;
  title_en: string;
  title_zh: string;
  title_zh_hk: string;
  summary_en: string;
  summary_zh: string;
  summary_zh_hk: string;
  currency: string;
}

export type MissionFormResult = { ok: true; input: MissionColumns } | { ok: false; errors: Record<string, string>; values: MissionFormValues };

const limits = { title: 120, summary: 500 } as const;

type Body = Record<string, unknown>;

export function missionFormValues(body: unknown): MissionFormValues {
  const form: Body = typeof body === 'object' && body !== null ? (body as Body) : {};
  // Titles are one line (they head pages and audit sentences); summaries keep their lines.
  return {
    slug: oneLine(form.slug).toLowerCase(),
    title_en: oneLine(form.title_en),
    title_zh: oneLine(form.title_zh),
    title_zh_hk: oneLine(form.title_zh_hk),
    summary_en: cleanText(form.summary_en),
    summary_zh: cleanText(form.summary_zh),
    summary_zh_hk: cleanText(form.summary_zh_hk),
    currency: oneLine(form.currency).toUpperCase(),
  };
}

export function blankMissionValues(): MissionFormValues {
  return { slug: '', title_en: '', title_zh: '', title_zh_hk: '', summary_en: '', summary_zh: '', summary_zh_hk: '', currency: 'CNY' };
}

/** The form as a stored mission fills it: each language as written, never as a reader would see it after falling back. */
export function valuesOfMission(mission: Mission): MissionFormValues {
  return {
    slug: mission.slug,
    title_en: mission.title.en ?? '',
    title_zh: mission.title['zh-CN'] ?? '',
    title_zh_hk: mission.title['zh-HK'] ?? '',
    summary_en: mission.summary.en ?? '',
    summary_zh: mission.summary['zh-CN'] ?? '',
    summary_zh_hk: mission.summary['zh-HK'] ?? '',
    currency: mission.currency,
  };
}

const textFields: ReadonlyArray<TextField<keyof MissionFormValues>> = [
  ['title_en', limits.title, 'titleEn', true],
  ['title_zh', limits.title, 'titleZh', false],
  ['title_zh_hk', limits.title, 'titleZhHk', false],
  ['summary_en', limits.summary, 'summaryEn', true],
  ['summary_zh', limits.summary, 'summaryZh', false],
  ['summary_zh_hk', limits.summary, 'summaryZhHk', false],
];

/** Checks the whole form; every bad field gets a message of its own, keyed by the field's id, in the form's order. */
export function readMissionForm(body: unknown, locale: Locale): MissionFormResult {
  const say: Say = (key, values) => translate(locale, key, values);
  const values = missionFormValues(body);
  const errors: Record<string, string> = {};
  const slug = slugProblem(say, values.slug, 'missionStaff.check.slugMissing');
  if (slug) errors.slug = slug;
  checkTextFields(say, values, textFields, errors);
  if (!(campaignCurrencies as readonly string[]).includes(values.currency)) errors.currency = say('missionStaff.check.currency', { currencies: campaignCurrencies.join(say('campaignStaff.listSeparator')) });
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return {
    ok: true,
    input: {
      slug: values.slug,
      title: writtenText(values.title_en, values.title_zh, values.title_zh_hk),
      summary: writtenText(values.summary_en, values.summary_zh, values.summary_zh_hk),
      currency: values.currency,
    },
  };
}
