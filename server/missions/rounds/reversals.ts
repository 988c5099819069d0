// What every reversal of a round's row (spending, an outcome, a transfer) answers when it cannot be made.
import { translate, type MessageKey } from '../../i18n/messages';
import { cleanText } from '../../http/text';
import type { Locale } from '../../locale';

/** 422 for a reason missing or too long, 404 for no such row in the round, 409 for one that cannot be reversed (a reversal, or a row reversed already). */
export type ReversalRefused = { ok: false; status: 404 | 409 | 422; message: string };
export type ReversalOutcome = { ok: true } | ReversalRefused;

export const refusal = (locale: Locale, status: ReversalRefused['status'], key: MessageKey): ReversalRefused => ({ ok: false, status, message: translate(locale, key) });

/** Why a row is taken back, as typed: one to 500 characters, kept on the reversing row. */
export function readReason(text: unknown, locale: Locale): { ok: true; reason: string } | ReversalRefused {
  const reason = cleanText(text);
  return reason === '' || reason.length > 500 ? refusal(locale, 422, 'rounds.reverse.error.reason') : { ok: true, reason };
}

/** The refusal for a row that is itself a reversal, or one reversed already; undefined when it may be reversed. */
export function whyNotReversible(row: { reverses_id: number | null; reversed_by_id: number | null }, locale: Locale): ReversalRefused | undefined {
  if (row.reverses_id !== null) return refusal(locale, 409, 'rounds.reverse.error.isReversal');
  if (row.reversed_by_id !== null) return refusal(locale, 409, 'rounds.reverse.error.already');
  return undefined;
}

/** What every row of a round's record shows about who wrote it and how it stands: shared by its three kinds of rows. */
export function recordedRowView(
  row: { note: string | null; recorded_by_name: string | null; recorded_at: Date; reverses_id: number | null; reversed_by_id: number | null },
  problem: { reason: string; message: string } | undefined,
) {
  return {
    note: row.note,
    recordedBy: row.recorded_by_name,
    recordedAt: row.recorded_at,
    reverses: row.reverses_id,
    reversedBy: row.reversed_by_id,
    reversible: row.reverses_id === null && row.reversed_by_id === null,
    reverseReason: problem?.reason ?? '',
    reverseError: problem?.message,
  };
}
