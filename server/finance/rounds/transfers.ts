// Restricted money carried from one round to another of the same mission: recorded by finance, never more
// than the round holds in that currency (checked with both rounds locked), taken back only by a reversing
// transfer the receiving round can still cover. Every change is audited.
import type { Db, Trx } from '../../database';
import { oneLine, cleanText } from '../../http/text';
import { translate, type MessageKey } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { formatMoney } from '../../money';
import { findTransferOfRound, insertTransfer } from '../../missions/rounds/funds.repository';
import { readReason, refusal, whyNotReversible, type ReversalOutcome } from '../../missions/rounds/reversals';
import { lockRounds, type Round } from '../../missions/rounds/rounds.repository';
import { roundBalance } from '../../missions/rounds/statement';
import { recordAudit } from '../../staff/audit.repository';
import type { FundTransfer } from '../../tables/fund-transfers.table';
import { readAmount } from '../amount';

/** The form as typed, kept to show it again beside its errors. */
export type TransferForm = Record<'to' | 'amount' | 'currency' | 'note', string>;

export function transferFormFrom(body: Record<string, unknown> | undefined): TransferForm {
  return { to: oneLine(body?.to), amount: oneLine(body?.amount), currency: oneLine(body?.currency).toUpperCase(), note: cleanText(body?.note) };
}

export interface TransferEntry {
  to: Pick<Round, 'id' | 'slug'>;
  amount: number;
  currency: string;
  note: string;
}

/**
 * The transfer the form asks for, or each problem under its field, in `locale`: `sisters` are the rounds
 * of the same mission (where the money may go), `currencies` those the round holds money in.
 */
export function readTransfer(form: TransferForm, sisters: Round[], currencies: string[], locale: Locale): { entry: TransferEntry } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const say = (field: string, key: MessageKey) => (errors[field] = translate(locale, key));
  const to = sisters.find((round) => round.slug === form.to);
  if (!to) say('to', 'rounds.transfer.error.to');
  let amount: number | undefined;
  if (!currencies.includes(form.currency)) say('currency', 'rounds.transfer.error.currency');
  else {
    const read = readAmount(locale, 'offline', form.amount, form.currency);
    if (read.ok) amount = read.amount;
    else errors.amount = read.message;
  }
  if (form.note === '' || form.note.length > 500) say('note', 'rounds.transfer.error.note');
  if (!to || amount === undefined || Object.keys(errors).length > 0) return { errors };
  return { entry: { to, amount, currency: form.currency, note: form.note } };
}

type RoundRef = Pick<Round, 'id' | 'slug'>;

export type TransferOutcome = { ok: true; transfer: FundTransfer } | { ok: false; errors: Record<string, string> };

const auditView = (from: string, to: string, row: Pick<FundTransfer, 'amount' | 'currency'>) => ({ campaign: from, from, to, amount: row.amount, currency: row.currency });

/** Records the transfer when the round holds that much in its currency, with both rounds locked so that no other transfer spends the same money. */
export async function recordTransfer(db: Db, from: RoundRef, entry: TransferEntry, staffId: number, now: Date, locale: Locale): Promise<TransferOutcome> {
  return db.transaction().execute(async (trx) => {
    await lockRounds(trx, [from.id, entry.to.id]);
    const balance = await roundBalance(trx, from.id, entry.currency);
    if (entry.amount > balance) {
      const held = formatMoney({ amount: Math.max(balance, 0), currency: entry.currency }, locale);
      return { ok: false, errors: { amount: translate(locale, 'rounds.transfer.error.overBalance', { balance: held }) } };
    }
    const transfer = await insertTransfer(trx, { from_campaign_id: from.id, to_campaign_id: entry.to.id, amount: entry.amount, currency: entry.currency, note: entry.note, recorded_by: staffId, recorded_at: now });
    await recordAudit(trx, { staffId, action: 'round.transfer_recorded', subjectType: 'fund_transfer', subjectId: transfer.id, after: { ...auditView(from.slug, entry.to.slug, transfer), note: transfer.note } });
    return { ok: true, transfer };
  });
}

async function reverseUnderLock(trx: Trx, round: RoundRef, transferId: number, reason: string, staffId: number, now: Date, locale: Locale): Promise<ReversalOutcome> {
  const seen = await findTransferOfRound(trx, round.id, transferId);
  if (!seen) return refusal(locale, 404, 'rounds.reverse.error.missing');
  await lockRounds(trx, [seen.from_campaign_id, seen.to_campaign_id]);
  // Read again under the locks: another reversal may have come first.
  const original = (await findTransferOfRound(trx, round.id, transferId))!;
  const refused = whyNotReversible(original, locale);
  if (refused) return refused;
  // Taking the money back is a transfer the other way: the receiving round must still hold it.
  const held = await roundBalance(trx, original.to_campaign_id, original.currency);
  if (held < original.amount) {
    return { ok: false, status: 409, message: translate(locale, 'rounds.transfer.error.spentSince', { balance: formatMoney({ amount: Math.max(held, 0), currency: original.currency }, locale) }) };
  }
  const reversal = await insertTransfer(trx, {
    from_campaign_id: original.from_campaign_id,
    to_campaign_id: original.to_campaign_id,
    amount: -original.amount,
    currency: original.currency,
    note: reason,
    reverses_id: original.id,
    recorded_by: staffId,
    recorded_at: now,
  });
  const view = auditView(original.from_slug, original.to_slug, original);
  await recordAudit(trx, { staffId, action: 'round.transfer_reversed', subjectType: 'fund_transfer', subjectId: original.id, before: { ...view, note: original.note }, after: { ...view, line: original.id, reversal_id: reversal.id, reason } });
  return { ok: true };
}

/** Takes a transfer into or out of the round back in full with a reversing transfer; once, never a reversal, and only while the receiving round still holds the money. */
export async function reverseTransfer(db: Db, round: RoundRef, transferId: number, reasonText: unknown, staffId: number, now: Date, locale: Locale): Promise<ReversalOutcome> {
  const read = readReason(reasonText, locale);
  if (!read.ok) return read;
  return db.transaction().execute((trx) => reverseUnderLock(trx, round, transferId, read.reason, staffId, now, locale));
}
