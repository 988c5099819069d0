// The staff list of missions and the mission form as their templates show them, in the staff member's language.
import { campaignCurrencies } from '../campaigns/staff/campaign-form';
import { translate } from '../i18n/messages';
import { localize, type Locale } from '../locale';
import type { Mission } from '../tables/missions.table';
import type { listMissionsWithRounds } from './mission.repository';
import type { MissionFormValues } from './mission-form';

type MissionRow = Awaited<ReturnType<typeof listMissionsWithRounds>>[number];

export function missionListView(missions: MissionRow[], locale: Locale, saved?: Mission) {
  return {
    title: translate(locale, 'missionStaff.missions'),
    notice: saved ? translate(locale, 'missionStaff.saved', { title: localize(saved.title, locale) }) : undefined,
    missions: missions.map((mission) => ({
      slug: mission.slug,
      title: localize(mission.title, locale),
      currency: mission.currency,
      rounds: Number(mission.rounds),
    })),
  };
}

export interface MissionFormPage {
  /** The mission being edited; none for a new one. */
  mission?: Mission;
  values: MissionFormValues;
  errors?: Record<string, string>;
}

export function missionFormPageView({ mission, values, errors = {} }: MissionFormPage, locale: Locale) {
  const title = mission && localize(mission.title, locale);
  return {
    title: mission ? translate(locale, 'missionStaff.form.editTitle', { title: title! }) : translate(locale, 'missionStaff.newMission'),
    editing: mission ? { slug: mission.slug, title } : undefined,
    action: mission ? `/staff/missions/${mission.slug}/edit` : '/staff/missions',
    form: {
      values,
      errors,
      errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
      currencies: campaignCurrencies.map((code) => ({ code, selected: code === values.currency })),
    },
  };
}

export const slugTakenErrors = (locale: Locale) => ({ slug: translate(locale, 'missionStaff.check.slugTaken') });
