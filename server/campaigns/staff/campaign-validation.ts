// The campaign form checked field by field, in the staff member's language: every bad field gets a
// message of its own, keyed by the field's id, and a good form becomes what is saved.
import { isDay } from '../../calendar';
import { isHttpsUrl } from '../../http/text';
import { translate, type MessageKey } from '../../i18n/messages';
import { writtenText, type Locale, type LocalizedText } from '../../locale';
import { currencyExponent, parseAmount, type Money } from '../../money';
import { campaignCurrencies, campaignFormValues, campaignStatuses, type CampaignFormResult, type CampaignFormValues, type CampaignInput } from './campaign-form';
import type { MissionChoice } from './campaign-editing.repository';

/** A picture on this site, such as the demo's /assets/covers/…: one leading slash (never "//host"), no query. */
const isSitePath = (value: string) => /^\/(?![/\\])[A-Za-z0-9._~%/-]*$/.test(value);

/** A slug the staff routes use for themselves: /staff/campaigns/new. */
const reservedSlugs = new Set(['new']);

const limits = { slug: 80, title: 120, summary: 300, story: 20_000, costUnitLabel: 100, presetLabel: 100, coverImageUrl: 2_000 } as const;

type Errors = Record<string, string>;
export type Say = (key: MessageKey, values?: Record<string, string | number>) => string;

/** "2026-11-30" as a real calendar day, or undefined. */
function calendarDay(value: string): string | undefined {
  // A campaign of this century: a year typed short ("0026") is a mistake, not a campaign of antiquity.
  return isDay(value) && value >= '2000-01-01' && value < '2100-01-01' ? value : undefined;
}

type Amount = 'target' | 'costUnit' | 'amount';

function amountProblem(say: Say, parsed: ReturnType<typeof parseAmount>, currency: string, amount: Amount): string | undefined {
  const what = say(`campaignStaff.check.what.${amount}`);
  if (parsed.ok) return parsed.money.amount > 0 ? undefined : say('campaignStaff.check.amount.zero', { what });
  if (parsed.problem === 'fraction') {
    const exponent = currencyExponent(currency);
    return exponent === 0 ? say('campaignStaff.check.amount.whole', { currency }) : say('campaignStaff.check.amount.decimals', { exponent, currency });
  }
  if (parsed.problem === 'too_large') return say('campaignStaff.check.amount.tooLarge', { what });
  if (parsed.problem === 'separator') return say('campaignStaff.check.amount.separator', { what });
  return say('campaignStaff.check.amount.numbers', { what });
}

const isCampaignCurrency = (code: string) => (campaignCurrencies as readonly string[]).includes(code);

/** What is wrong with an address's slug on a staff form (`missing` says an empty one), or undefined: lower-case words joined by hyphens, not a word the staff routes keep. */
export function slugProblem(say: Say, slug: string, missing: MessageKey): string | undefined {
  if (slug === '') return say(missing);
  if (slug.length > limits.slug || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return say('campaignStaff.check.slug.shape', { max: limits.slug });
  if (reservedSlugs.has(slug)) return say('campaignStaff.check.slug.reserved', { slug });
  return undefined;
}

function checkSlug(say: Say, values: CampaignFormValues, errors: Errors) {
  const problem = slugProblem(say, values.slug, 'campaignStaff.check.slug.missing');
  if (problem) errors.slug = problem;
}

const textFields = [
  ['title_en', limits.title, 'titleEn', true],
  ['title_zh', limits.title, 'titleZh', false],
  ['title_zh_hk', limits.title, 'titleZhHk', false],
  ['summary_en', limits.summary, 'summaryEn', true],
  ['summary_zh', limits.summary, 'summaryZh', false],
  ['summary_zh_hk', limits.summary, 'summaryZhHk', false],
  ['story_en', limits.story, 'storyEn', true],
  ['story_zh', limits.story, 'storyZh', false],
  ['story_zh_hk', limits.story, 'storyZhHk', false],
  ['cost_unit_label_en', limits.costUnitLabel, 'costUnitLabelEn', false],
  ['cost_unit_label_zh', limits.costUnitLabel, 'costUnitLabelZh', false],
  ['cost_unit_label_zh_hk', limits.costUnitLabel, 'costUnitLabelZhHk', false],
] as const;

type NameOf<K> = K extends `campaignStaff.check.name.${infer N}` ? N : never;
/** One text of a staff form: its field, its longest length, how messages name it, whether it must be filled. */
export type TextField<F extends string> = readonly [field: F, max: number, name: NameOf<MessageKey>, required: boolean];

/** Each text filled if it must be and no longer than its limit; a message for each that is not, keyed by its field. */
export function checkTextFields<F extends string>(say: Say, values: Record<F, string>, fields: ReadonlyArray<TextField<F>>, errors: Errors): void {
  for (const [field, max, name, required] of fields) {
    const value = values[field];
    const named = say(`campaignStaff.check.name.${name}`);
    if (required && value === '') errors[field] = say('campaignStaff.check.required', { name: named });
    else if (value.length > max) errors[field] = say('campaignStaff.check.tooLong', { name: named, max, length: value.length });
  }
}

function checkTarget(say: Say, values: CampaignFormValues, errors: Errors): Money | undefined {
  const list = campaignCurrencies.join(say('campaignStaff.listSeparator'));
  if (!isCampaignCurrency(values.target_currency)) errors.target_currency = say('campaignStaff.check.targetCurrency', { currencies: list });
  else if (values.target_amount === '') errors.target_amount = say('campaignStaff.check.targetMissing');
  else {
    const parsed = parseAmount(values.target_amount, values.target_currency);
    const problem = amountProblem(say, parsed, values.target_currency, 'target');
    if (problem) errors.target_amount = problem;
    else if (parsed.ok) return parsed.money;
  }
  return undefined;
}

function checkAccepted(say: Say, accepted: string[], errors: Errors) {
  if (accepted.length === 0) errors.accepted_currencies = say('campaignStaff.check.acceptedNone');
  else if (!accepted.every(isCampaignCurrency)) errors.accepted_currencies = say('campaignStaff.check.acceptedOnly', { currencies: campaignCurrencies.join(say('campaignStaff.listSeparator')) });
}

function checkDates(say: Say, values: CampaignFormValues, errors: Errors) {
  const startsOn = calendarDay(values.starts_on);
  if (!startsOn) errors.starts_on = say('campaignStaff.check.startsOn');
  const endsOn = values.ends_on === '' ? null : calendarDay(values.ends_on);
  if (endsOn === undefined) errors.ends_on = say('campaignStaff.check.endsOn');
  else if (endsOn && startsOn && endsOn < startsOn) errors.ends_on = say('campaignStaff.check.endsBeforeStart');
  return { startsOn, endsOn };
}

function checkCostUnit(say: Say, values: CampaignFormValues, target: Money | undefined, errors: Errors) {
  let amount: number | null = null;
  let label: LocalizedText | null = null;
  const labelGiven = values.cost_unit_label_en !== '' || values.cost_unit_label_zh !== '' || values.cost_unit_label_zh_hk !== '';
  if (values.cost_unit_amount !== '') {
    if (target) {
      const parsed = parseAmount(values.cost_unit_amount, values.target_currency);
      const problem = amountProblem(say, parsed, values.target_currency, 'costUnit');
      if (problem) errors.cost_unit_amount = problem;
      else if (parsed.ok) amount = parsed.money.amount;
    }
    if (!labelGiven) errors.cost_unit_label_en = say('campaignStaff.check.costUnitLabel');
    else label = writtenText(values.cost_unit_label_en, values.cost_unit_label_zh, values.cost_unit_label_zh_hk);
  } else if (labelGiven) {
    errors.cost_unit_amount = say('campaignStaff.check.costUnitAmount');
  }
  return { amount, label };
}

function checkPresets(say: Say, values: CampaignFormValues, errors: Errors): CampaignInput['presets'] {
  const accepted = values.accepted_currencies;
  const presets: CampaignInput['presets'] = [];
  const seen = new Set<string>();
  values.presets.forEach((row, index) => {
    const field = `preset-${index + 1}`;
    const rowSays = (problem: string) => say('campaignStaff.check.row', { row: index + 1, problem });
    if (row.amount === '' && row.label_en === '' && row.label_zh === '' && row.label_zh_hk === '') return;
    if (!accepted.includes(row.currency)) {
      const currencies = accepted.join(say('campaignStaff.listSeparator')) || say('campaignStaff.check.noneTicked');
      errors[field] = rowSays(say('campaignStaff.check.rowCurrency', { currencies }));
      return;
    }
    const parsed = parseAmount(row.amount, row.currency);
    const problem = row.amount === '' ? say('campaignStaff.check.rowAmountMissing') : amountProblem(say, parsed, row.currency, 'amount');
    if (problem || !parsed.ok) {
      errors[field] = rowSays(problem ?? '');
      return;
    }
    if ([row.label_en, row.label_zh, row.label_zh_hk].some((label) => label.length > limits.presetLabel)) {
      errors[field] = rowSays(say('campaignStaff.check.rowLabelLength', { max: limits.presetLabel }));
      return;
    }
    const key = `${row.currency} ${parsed.money.amount}`;
    if (seen.has(key)) {
      errors[field] = rowSays(say('campaignStaff.check.rowTwice', { currency: row.currency }));
      return;
    }
    seen.add(key);
    const label = writtenText(row.label_en, row.label_zh, row.label_zh_hk);
    presets.push({ currency: row.currency, amount: parsed.money.amount, label: Object.keys(label).length > 0 ? label : null });
  });
  return presets;
}

/** The mission chosen: its id, null for none, or undefined when the form names one that is not among `missions`. */
function chosenMission(value: string, missions: MissionChoice[]): number | null | undefined {
  if (value === '') return null;
  return missions.find((mission) => String(mission.id) === value)?.id;
}

/** Checks the whole form against the missions there are; every bad field gets a message of its own, keyed by the field's id. */
export function readCampaignForm(body: unknown, locale: Locale, missions: MissionChoice[], generalFundSlug: string): CampaignFormResult {
  const say: Say = (key, values) => translate(locale, key, values);
  const values = campaignFormValues(body);
  const errors: Errors = {};
  // In the form's order: the list of messages above the form follows the order the fields are checked in.
  checkSlug(say, values, errors);
  checkTextFields(say, values, textFields, errors);
  const target = checkTarget(say, values, errors);
  checkAccepted(say, values.accepted_currencies, errors);
  const { startsOn, endsOn } = checkDates(say, values, errors);
  // Monthly gifts from every closed round end up in the general fund: it must not close in its turn.
  if (values.slug === generalFundSlug && endsOn) errors.ends_on = say('campaignStaff.check.generalFundEnds');
  const costUnit = checkCostUnit(say, values, target, errors);
  const status = campaignStatuses.find((s) => s === values.status);
  if (!status) errors.status = say('campaignStaff.check.status');
  else if (values.slug === generalFundSlug && status !== 'live') errors.status = say('campaignStaff.check.generalFundLive');
  const missionId = chosenMission(values.mission, missions);
  if (missionId === undefined) errors.mission = say('campaignStaff.check.mission');
  if (values.cover_image_url !== '' && (values.cover_image_url.length > limits.coverImageUrl || !(isHttpsUrl(values.cover_image_url) || isSitePath(values.cover_image_url)))) {
    errors.cover_image_url = say('campaignStaff.check.coverImage');
  }
  const presets = checkPresets(say, values, errors);

  if (Object.keys(errors).length > 0 || !target || !status || !startsOn || endsOn === undefined || missionId === undefined) return { ok: false, errors, values };
  return {
    ok: true,
    input: {
      slug: values.slug,
      title: writtenText(values.title_en, values.title_zh, values.title_zh_hk),
      summary: writtenText(values.summary_en, values.summary_zh, values.summary_zh_hk),
      story: writtenText(values.story_en, values.story_zh, values.story_zh_hk),
      status,
      target,
      accepted_currencies: values.accepted_currencies,
      starts_on: startsOn,
      ends_on: endsOn,
      cost_unit_amount: costUnit.amount,
      cost_unit_label: costUnit.label,
      cover_image_url: values.cover_image_url || null,
      mission_id: missionId,
      hold_messages: values.hold_messages,
      presets,
    },
  };
}
