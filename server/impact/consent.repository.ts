// The donors' yes and no to news by email (donor_consents). Rows are only ever added; a donor's current
// choice is their latest row, latest by when they chose (chosen_at) and then by id. A form's yes is
// recorded once its gift is paid, which may be after the donor said no somewhere else: the order of
// choosing, not of recording, says which came last.
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Db, Trx } from '../database';
import type { NewDonorConsent } from '../tables/donor-consents.table';

/** The donor's latest choice about news of what gifts achieve; undefined for a donor never asked. */
export async function findNewsConsent(db: Db, donorId: number) {
  return db
    .selectFrom('donor_consents')
    .select(['granted', 'source', 'chosen_at', 'wording', 'locale'])
    .where('donor_id', '=', donorId)
    .where('purpose', '=', 'updates')
    .orderBy('chosen_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export type NewsConsent = NonNullable<Awaited<ReturnType<typeof findNewsConsent>>>;

/** The latest choice of the donor `donorId` names, as a subquery: its `column`, null for a donor never asked. */
function latestNewsChoice<T>(donorId: Expression<number>, column: RawBuilder<T>): RawBuilder<T | null> {
  return sql<T | null>`(select ${column} from donor_consents as c where c.donor_id = ${donorId} and c.purpose = 'updates' order by c.chosen_at desc, c.id desc limit 1)`;
}

/** SQL: whether the donor `donorId` names (such as sql.ref('donors.id')) wants news now; a donor never asked does not. */
export function agreesToNews(donorId: Expression<number>): RawBuilder<boolean> {
  return sql<boolean>`coalesce(${latestNewsChoice(donorId, sql<boolean>`c.granted`)}, false)`;
}

const sourceInWords = sql`case c.source
  when 'donate_form' then 'on the donate form'
  when 'account' then 'in their account'
  when 'email_link' then 'by the link in an email'
  when 'one_click' then 'by their mail program''s unsubscribe button'
  else 'before consent was asked for' end`;

/**
 * SQL: the donor's current choice as staff read it in English, the day in `timeZone`: "yes (given
 * 2026-06-10 on the donate form)", "no (stopped 2026-06-11 by the link in an email)", or "no" for a donor never asked.
 */
export function newsConsentInWords(donorId: Expression<number>, timeZone: string): RawBuilder<string> {
  const words = sql<string>`case when c.granted then 'yes (given ' else 'no (stopped ' end || to_char(c.chosen_at at time zone ${timeZone}, 'YYYY-MM-DD') || ' ' || ${sourceInWords} || ')'`;
  return sql<string>`coalesce(${latestNewsChoice(donorId, words)}, 'no')`;
}

/** Adds a choice; a gift's yes a second time (another event about the same payment) adds nothing. */
export async function insertConsent(db: Db, consent: NewDonorConsent): Promise<void> {
  await db
    .insertInto('donor_consents')
    .values(consent)
    .onConflict((oc) => oc.column('donation_id').where('donation_id', 'is not', null).doNothing())
    .execute();
}

/** Holds the donor's row until the transaction ends, so two choices made at once are read and written one after the other. */
export async function lockDonorForConsent(trx: Trx, donorId: number): Promise<boolean> {
  const row = await trx.selectFrom('donors').select('id').where('id', '=', donorId).forNoKeyUpdate().executeTakeFirst();
  return row !== undefined;
}
