// The staff list of campaigns and the campaign form as their templates show them, in the staff member's language.
import { translate } from '../../i18n/messages';
import { localize, type Locale } from '../../locale';
import { formatMoney, percentOf } from '../../money';
import type { Campaign, CampaignStatus } from '../../tables/campaigns.table';
import type { CampaignTotals } from '../totals';
import { campaignCurrencies, campaignStatuses, maxPresets, type CampaignFormValues } from './campaign-form';
import type { SaveProblem } from './campaign-saving';
import type { MissionChoice } from './campaign-editing.repository';

export const statusLabel = (status: CampaignStatus, locale: Locale) => translate(locale, `campaignStaff.status.${status}`);

export function campaignListView(campaigns: Campaign[], totals: Map<number, CampaignTotals>, locale: Locale) {
  const showWhole = (value: { amount: number; currency: string }) => formatMoney(value, locale, { wholeUnits: true });
  return {
    title: translate(locale, 'campaignStaff.campaigns'),
    campaigns: campaigns.map((campaign) => {
      const total = totals.get(campaign.id)!;
      const target = { amount: campaign.target_amount, currency: campaign.target_currency };
      return {
        slug: campaign.slug,
        title: localize(campaign.title, locale),
        status: campaign.status,
        statusLabel: statusLabel(campaign.status, locale),
        raised: showWhole(total.raised),
        target: showWhole(target),
        percent: percentOf(total.raised, target),
        startsAt: campaign.starts_at,
        endsAt: campaign.ends_at,
        public: campaign.status !== 'draft',
      };
    }),
  };
}

/** The mission select: none first, then each mission by its title in the staff member's language. */
function missionOptions(missions: MissionChoice[], chosen: string, locale: Locale) {
  return [
    { value: '', label: translate(locale, 'campaignStaff.form.missionNone'), selected: chosen === '' },
    ...missions.map((mission) => ({ value: String(mission.id), label: localize(mission.title, locale), selected: String(mission.id) === chosen })),
  ];
}

/** The campaign form's view: the values as typed, a message per field, and a few blank preset rows. */
function campaignFormView(values: CampaignFormValues, errors: Record<string, string>, missions: MissionChoice[], locale: Locale) {
  const rows = [...values.presets];
  const blankRows = Math.min(maxPresets - rows.length, Math.max(3, 5 - rows.length));
  for (let i = 0; i < blankRows; i++) rows.push({ currency: values.target_currency || 'CNY', amount: '', label_en: '', label_zh: '', label_zh_hk: '' });
  return {
    values,
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
    targetCurrencies: campaignCurrencies.map((code) => ({ code, selected: code === values.target_currency })),
    acceptedCurrencies: campaignCurrencies.map((code) => ({ code, checked: values.accepted_currencies.includes(code) })),
    statuses: campaignStatuses.map((status) => ({ value: status, label: statusLabel(status, locale), checked: status === values.status })),
    missions: missionOptions(missions, values.mission, locale),
    presetRows: rows.map((row, index) => ({
      ...row,
      field: `preset-${index + 1}`,
      number: index + 1,
      error: errors[`preset-${index + 1}`],
      currencies: campaignCurrencies.map((code) => ({ code, selected: code === row.currency })),
    })),
  };
}

export interface CampaignFormPage {
  /** The campaign being edited; none for a new one. */
  campaign?: Campaign;
  values: CampaignFormValues;
  errors?: Record<string, string>;
  /** The missions the campaign may be a round of. */
  missions: MissionChoice[];
}

export function campaignFormPageView({ campaign, values, errors, missions }: CampaignFormPage, locale: Locale) {
  const title = campaign && localize(campaign.title, locale);
  return {
    title: campaign ? translate(locale, 'campaignStaff.form.editTitle', { title: title! }) : translate(locale, 'campaignStaff.newCampaign'),
    editing: campaign ? { slug: campaign.slug, title } : undefined,
    action: campaign ? `/staff/campaigns/${campaign.slug}/edit` : '/staff/campaigns',
    form: campaignFormView(values, errors ?? {}, missions, locale),
  };
}

/** Why a valid form was not saved, as a message beside the field it concerns. */
export function saveProblemErrors(problem: SaveProblem, locale: Locale): Record<string, string> {
  if (problem === 'slugTaken') return { slug: translate(locale, 'campaignStaff.check.slugTaken') };
  if (problem === 'missionTied') return { mission: translate(locale, 'campaignStaff.check.missionTied') };
  if (problem === 'reported') return { status: translate(locale, 'campaignStaff.check.reported') };
  return { status: translate(locale, 'campaignStaff.check.givenTo') };
}
