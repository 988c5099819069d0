// The campaign form of the staff area: read and checked field by field, then saved with its presets
// and an audit row (the record before and after) in one transaction.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../database';
import type { Campaign, CampaignPreset, CampaignStatus } from './campaign.table';
import { cleanText, oneLine } from '../http/text';
import type { LocalizedText } from '../locale';
import { currencyExponent, parseAmount, toMajorUnits, type Money } from '../money';
import { recordAudit } from '../staff/audit';

/** The currencies a campaign may be raised and given in; Stripe settles all three for us. */
export const campaignCurrencies = ['CNY', 'HKD', 'USD'] as const;
export const campaignStatuses: CampaignStatus[] = ['draft', 'live', 'closed'];
/** How many preset rows the form offers at most. */
export const maxPresets = 12;
/** A slug the staff routes use for themselves: /staff/campaigns/new. */
const reservedSlugs = new Set(['new']);

const limits = { slug: 80, title: 120, summary: 300, story: 20_000, costUnitLabel: 100, presetLabel: 100, coverImageUrl: 2_000 } as const;

export interface PresetRow {
  currency: string;
  amount: string;
  label_en: string;
  label_zh: string;
}

/** The form as typed, to be shown again beside its messages. */
export interface CampaignFormValues {
  slug: string;
  title_en: string;
  title_zh: string;
  summary_en: string;
  summary_zh: string;
  story_en: string;
  story_zh: string;
  target_amount: string;
  target_currency: string;
  accepted_currencies: string[];
  starts_on: string;
  ends_on: string;
  cost_unit_amount: string;
  cost_unit_label_en: string;
  cost_unit_label_zh: string;
  status: string;
  cover_image_url: string;
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
  summary_en: lines,
  summary_zh: lines,
  story_en: lines,
  story_zh: lines,
  target_amount: text,
  target_currency: text,
  accepted_currencies: list,
  starts_on: text,
  ends_on: text,
  cost_unit_amount: text,
  cost_unit_label_en: text,
  cost_unit_label_zh: text,
  status: text,
  cover_image_url: text,
  preset_currency: list,
  preset_amount: list,
  preset_label_en: list,
  preset_label_zh: list,
});

export function campaignFormValues(body: unknown): CampaignFormValues {
  const raw = formShape.parse(typeof body === 'object' && body !== null ? body : {});
  const rows = Math.min(maxPresets, Math.max(raw.preset_currency.length, raw.preset_amount.length, raw.preset_label_en.length, raw.preset_label_zh.length));
  const presets: PresetRow[] = [];
  for (let i = 0; i < rows; i++) {
    presets.push({
      currency: (raw.preset_currency[i] ?? '').toUpperCase(),
      amount: raw.preset_amount[i] ?? '',
      label_en: raw.preset_label_en[i] ?? '',
      label_zh: raw.preset_label_zh[i] ?? '',
    });
  }
  return {
    slug: raw.slug.toLowerCase(),
    title_en: raw.title_en,
    title_zh: raw.title_zh,
    summary_en: raw.summary_en,
    summary_zh: raw.summary_zh,
    story_en: raw.story_en,
    story_zh: raw.story_zh,
    target_amount: raw.target_amount,
    target_currency: raw.target_currency.toUpperCase(),
    accepted_currencies: [...new Set(raw.accepted_currencies.map((c) => c.toUpperCase()))],
    starts_on: raw.starts_on,
    ends_on: raw.ends_on,
    cost_unit_amount: raw.cost_unit_amount,
    cost_unit_label_en: raw.cost_unit_label_en,
    cost_unit_label_zh: raw.cost_unit_label_zh,
    status: raw.status,
    cover_image_url: raw.cover_image_url,
    presets,
  };
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** The form filled from a stored campaign, for editing. */
export function valuesOfCampaign(campaign: Campaign, presets: CampaignPreset[]): CampaignFormValues {
  const money = (amount: number | null) => (amount === null ? '' : toMajorUnits({ amount, currency: campaign.target_currency }));
  return {
    slug: campaign.slug,
    title_en: campaign.title.en ?? '',
    title_zh: campaign.title['zh-CN'] ?? '',
    summary_en: campaign.summary.en ?? '',
    summary_zh: campaign.summary['zh-CN'] ?? '',
    story_en: campaign.story.en ?? '',
    story_zh: campaign.story['zh-CN'] ?? '',
    target_amount: money(campaign.target_amount),
    target_currency: campaign.target_currency,
    accepted_currencies: campaign.accepted_currencies,
    starts_on: dayOf(campaign.starts_at),
    ends_on: campaign.ends_at ? dayOf(campaign.ends_at) : '',
    cost_unit_amount: money(campaign.cost_unit_amount),
    cost_unit_label_en: campaign.cost_unit_label?.en ?? '',
    cost_unit_label_zh: campaign.cost_unit_label?.['zh-CN'] ?? '',
    status: campaign.status,
    cover_image_url: campaign.cover_image_url ?? '',
    presets: presets.map((preset) => ({
      currency: preset.currency,
      amount: toMajorUnits(preset),
      label_en: preset.label?.en ?? '',
      label_zh: preset.label?.['zh-CN'] ?? '',
    })),
  };
}

export function blankCampaignValues(today: Date): CampaignFormValues {
  return {
    slug: '',
    title_en: '',
    title_zh: '',
    summary_en: '',
    summary_zh: '',
    story_en: '',
    story_zh: '',
    target_amount: '',
    target_currency: 'CNY',
    accepted_currencies: [...campaignCurrencies],
    starts_on: dayOf(today),
    ends_on: '',
    cost_unit_amount: '',
    cost_unit_label_en: '',
    cost_unit_label_zh: '',
    status: 'draft',
    cover_image_url: '',
    presets: [],
  };
}

function localized(en: string, zh: string): LocalizedText {
  return { ...(en ? { en } : {}), ...(zh ? { 'zh-CN': zh } : {}) };
}

/** "2026-11-30" as a real calendar day, or undefined. */
function calendarDay(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && dayOf(date) === value ? value : undefined;
}

function amountProblem(parsed: ReturnType<typeof parseAmount>, currency: string, what: string): string | undefined {
  if (parsed.ok) return parsed.money.amount > 0 ? undefined : `Enter ${what} above zero.`;
  if (parsed.problem === 'fraction') {
    const exponent = currencyExponent(currency);
    return exponent === 0 ? `${currency} amounts are whole numbers, without decimals.` : `Use at most ${exponent} decimal places for ${currency}.`;
  }
  if (parsed.problem === 'too_large') return `That is more than we can store; check ${what}.`;
  if (parsed.problem === 'separator') return `Use a point for decimals in ${what} (800000.50, not 800000,50); a comma may only separate thousands, as in 800,000.`;
  return `Enter ${what} in numbers, such as 800000 or 800,000.50.`;
}

function isHttpsUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname !== '';
}

const isCampaignCurrency = (code: string) => (campaignCurrencies as readonly string[]).includes(code);

/** Checks the whole form; every bad field gets a message of its own, keyed by the field's id. */
export function readCampaignForm(body: unknown): CampaignFormResult {
  const values = campaignFormValues(body);
  const errors: Record<string, string> = {};

  if (values.slug === '') errors.slug = 'Choose the campaign’s address, such as happy-smile-2027-05.';
  else if (values.slug.length > limits.slug || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(values.slug)) {
    errors.slug = `Use lower-case letters and digits joined by single hyphens, at most ${limits.slug} characters.`;
  } else if (reservedSlugs.has(values.slug)) errors.slug = `“${values.slug}” is kept for the staff pages; choose another address.`;

  const lengthOf = (field: keyof CampaignFormValues, max: number, name: string, required: boolean) => {
    const value = values[field] as string;
    if (required && value === '') errors[field] = `Enter the ${name}.`;
    else if (value.length > max) errors[field] = `Keep the ${name} to ${max} characters (it has ${value.length}).`;
  };
  lengthOf('title_en', limits.title, 'English title', true);
  lengthOf('title_zh', limits.title, 'Chinese title', false);
  lengthOf('summary_en', limits.summary, 'English summary', true);
  lengthOf('summary_zh', limits.summary, 'Chinese summary', false);
  lengthOf('story_en', limits.story, 'English story', true);
  lengthOf('story_zh', limits.story, 'Chinese story', false);
  lengthOf('cost_unit_label_en', limits.costUnitLabel, 'English label', false);
  lengthOf('cost_unit_label_zh', limits.costUnitLabel, 'Chinese label', false);

  let target: Money | undefined;
  if (!isCampaignCurrency(values.target_currency)) errors.target_currency = `Choose one of ${campaignCurrencies.join(', ')}.`;
  else if (values.target_amount === '') errors.target_amount = 'Enter the target, such as 800000.';
  else {
    const parsed = parseAmount(values.target_amount, values.target_currency);
    const problem = amountProblem(parsed, values.target_currency, 'the target');
    if (problem) errors.target_amount = problem;
    else if (parsed.ok) target = parsed.money;
  }

  const accepted = values.accepted_currencies;
  if (accepted.length === 0) errors.accepted_currencies = 'Tick at least one currency donors may give in.';
  else if (!accepted.every(isCampaignCurrency)) errors.accepted_currencies = `Donors may give in ${campaignCurrencies.join(', ')} only.`;

  const startsOn = calendarDay(values.starts_on);
  if (!startsOn) errors.starts_on = 'Enter the first day of the campaign as a date, such as 2027-01-15.';
  const endsOn = values.ends_on === '' ? null : calendarDay(values.ends_on);
  if (endsOn === undefined) errors.ends_on = 'Enter the last day as a date, such as 2027-05-31, or leave it empty for a fund that stays open.';
  else if (endsOn && startsOn && endsOn < startsOn) errors.ends_on = 'The last day cannot be before the first day.';

  let costUnitAmount: number | null = null;
  let costUnitLabel: LocalizedText | null = null;
  const labelGiven = values.cost_unit_label_en !== '' || values.cost_unit_label_zh !== '';
  if (values.cost_unit_amount !== '') {
    if (target) {
      const parsed = parseAmount(values.cost_unit_amount, values.target_currency);
      const problem = amountProblem(parsed, values.target_currency, 'the cost of one unit');
      if (problem) errors.cost_unit_amount = problem;
      else if (parsed.ok) costUnitAmount = parsed.money.amount;
    }
    if (!labelGiven) errors.cost_unit_label_en = 'Say what that amount pays for, such as “one cleft-lip surgery”.';
    else costUnitLabel = localized(values.cost_unit_label_en, values.cost_unit_label_zh);
  } else if (labelGiven) {
    errors.cost_unit_amount = 'Enter what one unit costs, or clear its label.';
  }

  const status = campaignStatuses.find((s) => s === values.status);
  if (!status) errors.status = 'Choose draft, live or closed.';

  if (values.cover_image_url !== '' && (values.cover_image_url.length > limits.coverImageUrl || !isHttpsUrl(values.cover_image_url))) {
    errors.cover_image_url = 'Give an address starting with https://, or leave it empty.';
  }

  const presets: CampaignInput['presets'] = [];
  const seen = new Set<string>();
  values.presets.forEach((row, index) => {
    const field = `preset-${index + 1}`;
    if (row.amount === '' && row.label_en === '' && row.label_zh === '') return;
    if (!accepted.includes(row.currency)) {
      errors[field] = `Row ${index + 1}: choose a currency the campaign accepts (${accepted.join(', ') || 'none ticked'}).`;
      return;
    }
    const parsed = parseAmount(row.amount, row.currency);
    const problem = row.amount === '' ? 'Enter an amount, or clear the labels.' : amountProblem(parsed, row.currency, 'the amount');
    if (problem || !parsed.ok) {
      errors[field] = `Row ${index + 1}: ${problem}`;
      return;
    }
    if (row.label_en.length > limits.presetLabel || row.label_zh.length > limits.presetLabel) {
      errors[field] = `Row ${index + 1}: keep each label to ${limits.presetLabel} characters.`;
      return;
    }
    const key = `${row.currency} ${parsed.money.amount}`;
    if (seen.has(key)) {
      errors[field] = `Row ${index + 1}: the same amount is offered twice in ${row.currency}.`;
      return;
    }
    seen.add(key);
    const label = localized(row.label_en, row.label_zh);
    presets.push({ currency: row.currency, amount: parsed.money.amount, label: Object.keys(label).length > 0 ? label : null });
  });

  if (Object.keys(errors).length > 0 || !target || !status || !startsOn || endsOn === undefined) return { ok: false, errors, values };
  return {
    ok: true,
    input: {
      slug: values.slug,
      title: localized(values.title_en, values.title_zh),
      summary: localized(values.summary_en, values.summary_zh),
      story: localized(values.story_en, values.story_zh),
      status,
      target,
      accepted_currencies: accepted,
      starts_on: startsOn,
      ends_on: endsOn,
      cost_unit_amount: costUnitAmount,
      cost_unit_label: costUnitLabel,
      cover_image_url: values.cover_image_url || null,
      presets,
    },
  };
}

/** A campaign and its presets as the audit log keeps them. */
export function campaignRecord(campaign: Campaign, presets: CampaignPreset[]) {
  return {
    slug: campaign.slug,
    title: campaign.title,
    summary: campaign.summary,
    story: campaign.story,
    status: campaign.status,
    target_amount: campaign.target_amount,
    target_currency: campaign.target_currency,
    accepted_currencies: campaign.accepted_currencies,
    starts_at: campaign.starts_at.toISOString(),
    ends_at: campaign.ends_at?.toISOString() ?? null,
    cost_unit_amount: campaign.cost_unit_amount,
    cost_unit_label: campaign.cost_unit_label,
    cover_image_url: campaign.cover_image_url,
    presets: presets.map((p) => ({ currency: p.currency, amount: p.amount, label: p.label })),
  };
}

export type SaveOutcome = { ok: true; campaign: Campaign } | { ok: false; errors: Record<string, string> };

const slugTaken = { slug: 'Another campaign already uses this address; choose another.' };

/** Postgres's unique_violation on the slug: another save took the address between our check and our write. */
function isSlugConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && typeof e.constraint === 'string' && e.constraint.includes('slug');
}

/** The day's first moment, unless the stored start already falls on that day: an unchanged date keeps its time. */
function startsAt(day: string, before?: Date): Date {
  return before && dayOf(before) === day ? before : new Date(`${day}T00:00:00Z`);
}

/** The last second of the day, unless the stored end already falls on that day. */
function endsAt(day: string | null, before?: Date | null): Date | null {
  if (day === null) return null;
  if (before && dayOf(before) === day) return before;
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + 86_400_000 - 1000);
}

function columnsOf(input: CampaignInput, before?: Campaign) {
  return {
    slug: input.slug,
    // pg sends a JavaScript object as JSON; the casts keep Kysely's typing of the jsonb columns.
    title: sql<LocalizedText>`${JSON.stringify(input.title)}::jsonb`,
    summary: sql<LocalizedText>`${JSON.stringify(input.summary)}::jsonb`,
    story: sql<LocalizedText>`${JSON.stringify(input.story)}::jsonb`,
    status: input.status,
    target_amount: input.target.amount,
    target_currency: input.target.currency,
    accepted_currencies: input.accepted_currencies,
    starts_at: startsAt(input.starts_on, before?.starts_at),
    ends_at: endsAt(input.ends_on, before?.ends_at),
    cost_unit_amount: input.cost_unit_amount,
    cost_unit_label: input.cost_unit_label === null ? null : sql<LocalizedText>`${JSON.stringify(input.cost_unit_label)}::jsonb`,
    cover_image_url: input.cover_image_url,
  };
}

async function replacePresets(trx: Db, campaignId: number, presets: CampaignInput['presets']): Promise<CampaignPreset[]> {
  await trx.deleteFrom('campaign_presets').where('campaign_id', '=', campaignId).execute();
  if (presets.length === 0) return [];
  return trx
    .insertInto('campaign_presets')
    .values(
      presets.map((preset, position) => ({
        campaign_id: campaignId,
        currency: preset.currency,
        amount: preset.amount,
        label: preset.label === null ? null : sql<LocalizedText>`${JSON.stringify(preset.label)}::jsonb`,
        position,
      })),
    )
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.position - b.position));
}

async function slugInUse(db: Db, slug: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('campaigns').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function createCampaign(db: Db, input: CampaignInput, staffId: number): Promise<SaveOutcome> {
  if (await slugInUse(db, input.slug)) return { ok: false, errors: slugTaken };
  try {
    const campaign = await db.transaction().execute(async (trx) => {
      const created = await trx.insertInto('campaigns').values(columnsOf(input)).returningAll().executeTakeFirstOrThrow();
      const presets = await replacePresets(trx, created.id, input.presets);
      await recordAudit(trx, { staffId, action: 'campaign.created', subjectType: 'campaign', subjectId: created.id, after: campaignRecord(created, presets) });
      return created;
    });
    return { ok: true, campaign };
  } catch (error) {
    if (isSlugConflict(error)) return { ok: false, errors: slugTaken };
    throw error;
  }
}

export async function updateCampaign(db: Db, campaignId: number, input: CampaignInput, staffId: number): Promise<SaveOutcome> {
  if (await slugInUse(db, input.slug, campaignId)) return { ok: false, errors: slugTaken };
  try {
    return await db.transaction().execute(async (trx): Promise<SaveOutcome> => {
      // Locked, so the audit's "before" is exactly what this change replaced.
      const before = await trx.selectFrom('campaigns').selectAll().where('id', '=', campaignId).forUpdate().executeTakeFirstOrThrow();
      if (input.status === 'draft' && before.status !== 'draft') {
        const given = await trx.selectFrom('donations').select('id').where('campaign_id', '=', campaignId).limit(1).executeTakeFirst();
        if (given) return { ok: false, errors: { status: 'Donors have given to this campaign, so it cannot become a draft again; close it instead.' } };
      }
      const presetsBefore = await trx.selectFrom('campaign_presets').selectAll().where('campaign_id', '=', campaignId).orderBy('position').execute();
      const after = await trx
        .updateTable('campaigns')
        .set({ ...columnsOf(input, before), updated_at: sql`now()` })
        .where('id', '=', campaignId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const presets = await replacePresets(trx, campaignId, input.presets);
      await recordAudit(trx, {
        staffId,
        action: 'campaign.updated',
        subjectType: 'campaign',
        subjectId: campaignId,
        before: campaignRecord(before, presetsBefore),
        after: campaignRecord(after, presets),
      });
      return { ok: true, campaign: after };
    });
  } catch (error) {
    if (isSlugConflict(error)) return { ok: false, errors: slugTaken };
    throw error;
  }
}
