// The "forget me" pages as the templates show them: what is erased and kept, the confirmation's error, and the page once done.
import type { Response } from 'express';
import type { AppContext } from '../../context';
import { localeOf, say } from '../../http/language';
import { localize } from '../../locale';
import { planSummary } from '../account.view';
import type { AccountPlan } from '../donor.repository';

export interface ForgetForm {
  confirm: string;
  /** Beside the confirmation field. */
  confirmError?: string;
  /** Above the form: Stripe did not stop a regular gift, so nothing was erased. */
  error?: string;
}

const organisationName = (res: Response, config: AppContext['config']) => localize(config.organisation.name, localeOf(res));

export function forgetPageView(res: Response, config: AppContext['config'], plans: AccountPlan[], form: ForgetForm = { confirm: '' }) {
  return {
    title: say(res, 'dataRights.forget.title'),
    intro: say(res, 'dataRights.forget.intro', { organisation: organisationName(res, config) }),
    // The shape of a pseudonym, not the one the donor will get: that is drawn when they confirm.
    nameErased: say(res, 'dataRights.forget.erased.name', { example: say(res, 'dataRights.pseudonym', { code: '7F3K' }) }),
    plans: plans.map((plan) => planSummary(res, plan).summary),
    ...form,
  };
}

export function forgottenPageView(res: Response, config: AppContext['config'], outcome: { pseudonym: string; plansStopped: boolean }) {
  return {
    title: say(res, 'dataRights.forgotten.title'),
    body: say(res, 'dataRights.forgotten.body', { organisation: organisationName(res, config) }),
    kept: say(res, 'dataRights.forgotten.kept', { pseudonym: outcome.pseudonym }),
    plansStopped: outcome.plansStopped,
  };
}
