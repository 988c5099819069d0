// Donors who said yes to news, written straight into donor_consents as their account page would: for
// tests about who receives impact updates, where signing in as each donor would only be slow.
import type { Db } from '../../server/database';
import { translate } from '../../server/i18n/messages';
import { testNow } from '../support/clock';

/** Each donor's yes, chosen at `at`, with the account page's English sentence. */
export async function agreeToNews(db: Db, donorIds: number[], at: Date = testNow): Promise<void> {
  if (donorIds.length === 0) return;
  const wording = translate('en', 'account.prefs.news');
  await db
    .insertInto('donor_consents')
    .values(donorIds.map((donorId) => ({ donor_id: donorId, purpose: 'updates' as const, granted: true, wording, locale: 'en', source: 'account' as const, chosen_at: at })))
    .execute();
}

/** A donor's choices about news, oldest first, as stored. */
export function consentsOf(db: Db, donorId: number) {
  return db.selectFrom('donor_consents').selectAll().where('donor_id', '=', donorId).orderBy('chosen_at').orderBy('id').execute();
}
