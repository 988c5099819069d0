// A round's report to its donors: published once, by a campaign manager, after the round closed and its
// outcomes were recorded. One transaction freezes the income and outcomes, divides the income among the
// givers (shares.ts) and owes one email to each donor who agreed to news; the account page shows every
// giver with an account their share, whatever they chose about email.
import type { Db, Trx } from '../../database';
import { findRoundReport } from '../../campaigns/round.repository';
import { ratesFor } from '../../campaigns/totals';
import { opensAt, takesGifts } from '../../campaigns/closing';
import { translate, type MessageKey } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { formatMoney, type Money } from '../../money';
import { oweEmail } from '../../outbox/outbox.repository';
import { recordAudit } from '../../staff/audit.repository';
import type { RoundReport } from '../../tables/round-reports.table';
import { roundOutcomes } from './outcomes';
import { insertReport, insertShares, listNewsRecipients, sumLedgerByGiver } from './report.repository';
import { lockRoundForReport, type Round } from './rounds.repository';
import { divideIncome } from './shares';

export type PublishOutcome = { ok: true; report: RoundReport; emails: number } | { ok: false; status: 409 | 422; message: string };

type RoundRef = Pick<Round, 'status' | 'closed_at' | 'starts_at' | 'ends_at'>;

const refused = (locale: Locale, status: 409 | 422, key: MessageKey, values?: Record<string, string>): PublishOutcome => ({ ok: false, status, message: translate(locale, key, values) });

/** Why the round cannot report yet (or again), in `locale`; undefined when it may. */
export function whyNotReportable(round: RoundRef, now: Date, locale: Locale): PublishOutcome | undefined {
  if (takesGifts(round, now) || opensAt(round, now) || round.status === 'draft') return refused(locale, 422, 'rounds.report.error.open');
  return undefined;
}

export const reportEmailKey = (campaignId: number, donorId: number) => `round-report-${campaignId}-${donorId}`;

async function publishUnderLock(trx: Trx, roundId: number, staffId: number, now: Date, locale: Locale): Promise<PublishOutcome> {
  // The round as it stands under the lock: staff may have reopened it since the page was loaded.
  const round = await lockRoundForReport(trx, roundId);
  if (!round) return refused(locale, 422, 'rounds.report.error.open');
  if (await findRoundReport(trx, round.id)) return refused(locale, 409, 'rounds.report.error.published');
  const notYet = whyNotReportable(round, now, locale);
  if (notYet) return notYet;
  const outcomes = await roundOutcomes(trx, round.id);
  if (outcomes.childrenOperated === 0 && outcomes.speechTherapySessions === 0) return refused(locale, 422, 'rounds.report.error.noOutcomes');
  const divided = await divideIncome(trx, await sumLedgerByGiver(trx, round.id), round.mission_currency, ratesFor(round));
  if (!divided.ok) return refused(locale, 422, 'rounds.report.error.unconverted', { currency: round.mission_currency, amounts: divided.unconverted.map((m: Money) => formatMoney(m, locale)).join(', ') });
  if (divided.income <= 0) return refused(locale, 422, 'rounds.report.error.noIncome');
  const givers = new Set(divided.shares.map((share) => share.who)).size;
  const report = await insertReport(trx, {
    campaign_id: round.id,
    currency: round.mission_currency,
    income: divided.income,
    givers,
    children_operated: outcomes.childrenOperated,
    speech_therapy_sessions: outcomes.speechTherapySessions,
    procedures: outcomes.byProcedure,
    published_by: staffId,
    published_at: now,
  });
  await insertShares(
    trx,
    divided.shares.map((share) => ({ campaign_id: round.id, who: share.who, donor_id: share.donorId, donation_id: share.donorId === null ? share.who : null, currency: share.currency, given: share.given, counted: share.counted, first_given_at: share.firstGivenAt })),
  );
  const recipients = await listNewsRecipients(trx, round.id);
  for (const donorId of recipients) await oweEmail(trx, 'round_report', reportEmailKey(round.id, donorId), { campaignId: round.id, donorId });
  await recordAudit(trx, {
    staffId,
    action: 'round.report_published',
    subjectType: 'campaign',
    subjectId: round.id,
    after: { campaign: round.slug, currency: round.mission_currency, amount: divided.income, givers, children_operated: outcomes.childrenOperated, speech_therapy_sessions: outcomes.speechTherapySessions, emails: recipients.length },
  });
  return { ok: true, report, emails: recipients.length };
}

/** Publishes the round's report, or says in `locale` why it cannot be published; `now` is when it was. */
export async function publishRoundReport(db: Db, round: Pick<Round, 'id'>, staffId: number, now: Date, locale: Locale): Promise<PublishOutcome> {
  return db.transaction().execute((trx) => publishUnderLock(trx, round.id, staffId, now, locale));
}
