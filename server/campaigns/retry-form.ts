// The donate form refilled for a donor back from Checkout without paying, from the signed link Stripe sends them back with.
import type { AppContext } from '../context';
import { verifyToken } from '../http/signed-links';
import { toMajorUnits } from '../money';
import type { Campaign } from '../tables/campaigns.table';
import { findDonorEmail, findRetriedDonation } from './campaign.repository';
import type { DonateForm } from './donate-form';

// A retry link may be forwarded or bookmarked: after this long it refills the gift, not the person.
const personalDetailsKeptSeconds = 2 * 60 * 60;

const retryableStatuses = ['pending', 'expired', 'failed'];

/**
 * `form` with what the donor typed before Checkout, when `token` names an unpaid checkout gift to this
 * campaign; `form` as it is otherwise. The link is signed, so nobody can walk through donation ids to
 * read other donors' details.
 */
export async function formAfterRetry({ db, config }: Pick<AppContext, 'db' | 'config'>, campaign: Campaign, token: unknown, form: DonateForm): Promise<DonateForm> {
  const retryId = typeof token === 'string' ? verifyToken(config.sessionSecret, 'retry', token) : undefined;
  const retry = retryId ? await findRetriedDonation(db, retryId, personalDetailsKeptSeconds) : undefined;
  if (!retry || retry.campaign_id !== campaign.id || retry.origin !== 'checkout' || !retryableStatuses.includes(retry.status)) return form;
  const fresh = retry.recent;
  const email = fresh && retry.donor_id ? await findDonorEmail(db, retry.donor_id) : undefined;
  return {
    errors: {},
    values: {
      ...form.values,
      amount: toMajorUnits(retry),
      currency: retry.currency,
      frequency: retry.frequency,
      utm_source: retry.utm_source ?? form.values.utm_source,
      ...(fresh
        ? {
            email: email ?? '',
            // Who gave, as they said: a person by name, or an organisation with its details.
            ...(retry.donor_type === 'person'
              ? { giving_as: 'person', name: retry.donor_name ?? '' }
              : {
                  giving_as: 'organisation',
                  organisation_kind: retry.donor_type,
                  organisation_name: retry.donor_name ?? '',
                  contact_name: retry.donor_contact_name ?? '',
                  business_registration: retry.donor_business_registration ?? '',
                }),
            message: retry.message ?? '',
            dedication_kind: retry.dedication_kind ?? '',
            dedication_name: retry.dedication_name ?? '',
            anonymous: retry.anonymous,
            // Their own yes of a moment ago, on this very gift: asking it again unticked would lose it unnoticed.
            news: retry.updates_consent_wording !== null,
          }
        : {}),
    },
  };
}
