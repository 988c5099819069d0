// The campaign form of the staff area: its fields as typed, read from a posted body, filled from a stored
// campaign or blank; and what a valid form saves (campaign-validation.ts checks one into the other).
import { z } from 'zod';
import type { Campaign, CampaignStatus } from '../../tables/campaigns.table';
import type { CampaignPreset } from '../../tables/campaign-presets.table';
import { dayIn } from '../../calendar';
import { cleanText, oneLine } from '../../http/text';
import type { LocalizedText } from '../../locale';
import { toMajorUnits, type Money } from '../../money';

/** The currencies a campaign may be raised and given in; Stripe settles all three for us. */
export const campaignCurrencies = ['CNY', 'HKD', 'USD'] as const;
export const campaignStatuses: CampaignStatus[] = ['draft', 'live', 'closed'];
/** How many preset rows the form offers at most. */
export const maxPresets = 12;

export interface PresetRow {
  currency: string;
  amount: string;
  label_en: string;
  label_zh: string;
  label_zh_hk: string;
}

/**
 * The form as typed, to be shown again beside its messages. Each text comes in English (`_en`), Simplified
 * Chinese (`_zh`, stored as zh-CN) and Traditional Chinese as Hong Kong writes it (`_zh_hk`).
 */
export interface CampaignFormValues {
  slug: string;
  title_en: string;
  title_zh: string;
  title_zh_hk: string;
  summary_en: string;
  summary_zh: string;
  summary_zh_hk: string;
  story_en: string;
  story_zh: string;
  story_zh_hk: string;
  target_amount: string;
  target_currency: string;
  accepted_currencies: string[];
  starts_on: string;
  ends_on: string;
  cost_unit_amount: string;
  cost_unit_label_en: string;
  cost_unit_label_zh: string;
  cost_unit_label_zh_hk: string;
  status: string;
  /** The id of the mission the campaign is a round of, as the select sends it; '' for none. */
  mission: string;
  cover_image_url: string;
  hold_messages: boolean;
  presets: PresetRow[];
}

/** What a valid form saves: the campaign's columns, and its presets in order. */
export interface CampaignInput {
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  story: LocalizedText;
  status: CampaignStatus;
  target: Money;
  accepted_currencies: string[];
  starts_on: string;
  ends_on: string | null;
  cost_unit_amount: number | null;
  cost_unit_label: LocalizedText | null;
  cover_image_url: string | null;
  /** The mission the campaign is a round of; null for a fund or a campaign of its own. */
  mission_id: number | null;
  /** Donors' messages stay off the page until approved. */
  hold_messages: boolean;
  presets: Array<{ currency: string; amount: number; label: LocalizedText | null }>;
}

export type CampaignFormResult = { ok: true; input: CampaignInput } | { ok: false; errors: Record<string, string>; values: CampaignFormValues };

// As on the donate form: control characters are never typed by a person, and PostgreSQL refuses a NUL.
// Titles and labels are one line (they head pages, emails and receipts); summaries and stories keep their lines.
const text = z.preprocess(oneLine, z.string());
const lines = z.preprocess(cleanText, z.string());
/** A field sent once or several times (checkboxes, preset rows), always as a list. */
const list = z.preprocess((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(oneLine), z.array(z.string()));

const formShape = z.object({
  slug: text,
  title_en: text,
  title_zh: text,
  title_zh_hk: text,
  summary_en: lines,
  summary_zh: lines,
  summary_zh_hk: lines,
  story_en: lines,
  story_zh: lines,
  story_zh_hk: lines,
  target_amount: text,
  target_currency: text,
  accepted_currencies: list,
  starts_on: text,
  ends_on: text,
  cost_unit_amount: text,
  cost_unit_label_en: text,
  cost_unit_label_zh: text,
  cost_unit_label_zh_hk: text,
  status: text,
  mission: text,
  cover_image_url: text,
  /** A ticked checkbox sends its value; an unticked one sends nothing. */
  hold_messages: z.unknown().optional(),
  preset_currency: list,
  preset_amount: list,
  preset_label_en: list,
  preset_label_zh: list,
  preset_label_zh_hk: list,
});

export function campaignFormValues(body: unknown): CampaignFormValues {
  const raw = formShape.parse(typeof body === 'object' && body !== null ? body : {});
  const rows = Math.min(
    maxPresets,
    Math.max(raw.preset_currency.length, raw.preset_amount.length, raw.preset_label_en.length, raw.preset_label_zh.length, raw.preset_label_zh_hk.length),
  );
  const presets: PresetRow[] = [];
  for (let i = 0; i < rows; i++) {
    presets.push({
      currency: (raw.preset_currency[i] ?? '').toUpperCase(),
      amount: raw.preset_amount[i] ?? '',
      label_en: raw.preset_label_en[i] ?? '',
      label_zh: raw.preset_label_zh[i] ?? '',
      label_zh_hk: raw.preset_label_zh_hk[i] ?? '',
    });
  }
  return {
    slug: raw.slug.toLowerCase(),
    title_en: raw.title_en,
    title_zh: raw.title_zh,
    title_zh_hk: raw.title_zh_hk,
    summary_en: raw.summary_en,
    summary_zh: raw.summary_zh,
    summary_zh_hk: raw.summary_zh_hk,
    story_en: raw.story_en,
    story_zh: raw.story_zh,
    story_zh_hk: raw.story_zh_hk,
    target_amount: raw.target_amount,
    target_currency: raw.target_currency.toUpperCase(),
    accepted_currencies: [...new Set(raw.accepted_currencies.map((c) => c.toUpperCase()))],
    starts_on: raw.starts_on,
    ends_on: raw.ends_on,
    cost_unit_amount: raw.cost_unit_amount,
    cost_unit_label_en: raw.cost_unit_label_en,
    cost_unit_label_zh: raw.cost_unit_label_zh,
    cost_unit_label_zh_hk: raw.cost_unit_label_zh_hk,
    status: raw.status,
    mission: raw.mission,
    cover_image_url: raw.cover_image_url,
    hold_messages: raw.hold_messages !== undefined,
    presets,
  };
}

// The form edits what each language holds as written, never what a reader would see after falling back, so
// these read the stored texts directly rather than through localize().
const written = (text: LocalizedText | null) => ({ en: text?.en ?? '', zh: text?.['zh-CN'] ?? '', zh_hk: text?.['zh-HK'] ?? '' });

/**
 * The form filled from a stored campaign, for editing. Its dates are days in the organisation's time zone
 * (`timeZone`), as the form shows and reads them.
 */
export function valuesOfCampaign(campaign: Campaign, presets: CampaignPreset[], timeZone: string): CampaignFormValues {
  const money = (amount: number | null) => (amount === null ? '' : toMajorUnits({ amount, currency: campaign.target_currency }));
  const title = written(campaign.title);
  const summary = written(campaign.summary);
  const story = written(campaign.story);
  const costUnitLabel = written(campaign.cost_unit_label);
  return {
    slug: campaign.slug,
    title_en: title.en,
    title_zh: title.zh,
    title_zh_hk: title.zh_hk,
    summary_en: summary.en,
    summary_zh: summary.zh,
    summary_zh_hk: summary.zh_hk,
    story_en: story.en,
    story_zh: story.zh,
    story_zh_hk: story.zh_hk,
    target_amount: money(campaign.target_amount),
    target_currency: campaign.target_currency,
    accepted_currencies: campaign.accepted_currencies,
    starts_on: dayIn(campaign.starts_at, timeZone),
    ends_on: campaign.ends_at ? dayIn(campaign.ends_at, timeZone) : '',
    cost_unit_amount: money(campaign.cost_unit_amount),
    cost_unit_label_en: costUnitLabel.en,
    cost_unit_label_zh: costUnitLabel.zh,
    cost_unit_label_zh_hk: costUnitLabel.zh_hk,
    status: campaign.status,
    mission: campaign.mission_id === null ? '' : String(campaign.mission_id),
    cover_image_url: campaign.cover_image_url ?? '',
    hold_messages: campaign.hold_messages,
    presets: presets.map((preset) => {
      const label = written(preset.label);
      return { currency: preset.currency, amount: toMajorUnits(preset), label_en: label.en, label_zh: label.zh, label_zh_hk: label.zh_hk };
    }),
  };
}

/** A blank form, starting on the organisation's day `now` falls on. */
export function blankCampaignValues(now: Date, timeZone: string): CampaignFormValues {
  return {
    slug: '',
    title_en: '',
    title_zh: '',
    title_zh_hk: '',
    summary_en: '',
    summary_zh: '',
    summary_zh_hk: '',
    story_en: '',
    story_zh: '',
    story_zh_hk: '',
    target_amount: '',
    target_currency: 'CNY',
    accepted_currencies: [...campaignCurrencies],
    starts_on: dayIn(now, timeZone),
    ends_on: '',
    cost_unit_amount: '',
    cost_unit_label_en: '',
    cost_unit_label_zh: '',
    cost_unit_label_zh_hk: '',
    status: 'draft',
    mission: '',
    cover_image_url: '',
    hold_messages: false,
    presets: [],
  };
}
