// Consent to news of what gifts achieve (impact updates), as Hong Kong's PDPO expects of direct marketing:
// a donor gets them only after an express yes, given by ticking an unticked box, and every yes and no is
// kept with the sentence shown, its language, where and when. Receipts and what a donor must be told (a
// refund, a failed payment, a moved recurring gift, a sign-in link) are no news and need no consent.
import type { Db, Trx } from '../database';
import type { Donation } from '../tables/donations.table';
import type { Locale } from '../locale';
import { findNewsConsent, insertConsent, lockDonorForConsent } from './consent.repository';

/** The sentence a donor was shown beside the box or the button, in the language it was shown in, and when they used it. */
export interface ShownChoice {
  wording: string;
  locale: Locale;
  at: Date;
}

/**
 * The yes a paid gift carried from its form, recorded in the transaction that records the payment, once
 * per gift. A box left unticked carried nothing: it means "no change", never a withdrawal, so a donor who
 * agreed on an earlier gift and skips the box on the next one keeps getting news. Only the account page
 * and the emails' link withdraw.
 */
export async function recordConsentOfPaidGift(trx: Trx, gift: Pick<Donation, 'id' | 'donor_id' | 'locale' | 'updates_consent_wording' | 'updates_consent_chosen_at'>): Promise<void> {
  if (gift.donor_id === null || gift.updates_consent_wording === null || gift.updates_consent_chosen_at === null) return;
  await insertConsent(trx, {
    donor_id: gift.donor_id,
    purpose: 'updates',
    granted: true,
    wording: gift.updates_consent_wording,
    locale: gift.locale,
    source: 'donate_form',
    donation_id: gift.id,
    chosen_at: gift.updates_consent_chosen_at,
  });
}

export type ConsentChange = 'granted' | 'withdrawn' | 'unchanged';

/** The account page's box, ticked or not: a row when it differs from the donor's current choice, none when it repeats it. */
export async function chooseNewsInAccount(db: Db, donorId: number, wanted: boolean, shown: ShownChoice): Promise<ConsentChange> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockDonorForConsent(trx, donorId))) return 'unchanged';
    const current = await findNewsConsent(trx, donorId);
    // A donor never asked who leaves the box unticked has said nothing new: no row.
    if ((current?.granted ?? false) === wanted) return 'unchanged';
    await insertConsent(trx, { donor_id: donorId, purpose: 'updates', granted: wanted, wording: shown.wording, locale: shown.locale, source: 'account', chosen_at: shown.at });
    return wanted ? 'granted' : 'withdrawn';
  });
}

/**
 * The emails' stop link: on its page (`email_link`, with the question the page asked) or from the mail
 * program's one-click button (`one_click`, which shows none of our words). A no is recorded unless the
 * donor's latest choice is a no already, so a second click adds nothing; a donor never asked who clicks
 * has their no recorded all the same.
 */
export async function withdrawNewsByEmail(db: Db, donorId: number, how: { source: 'email_link' | 'one_click'; wording: string | null; locale: Locale; at: Date }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockDonorForConsent(trx, donorId))) return false;
    const current = await findNewsConsent(trx, donorId);
    if (current && !current.granted) return false;
    await insertConsent(trx, { donor_id: donorId, purpose: 'updates', granted: false, wording: how.wording, locale: how.locale, source: how.source, chosen_at: how.at });
    return true;
  });
}

/** Whether the donor wants news now: what the fan-out and the sender ask before each impact email. */
export async function wantsNews(db: Db, donorId: number): Promise<boolean> {
  return (await findNewsConsent(db, donorId))?.granted ?? false;
}
