// What a round achieved, as its campaign manager records it: children operated, by procedure (each child
// once, under the main procedure), and speech-therapy sessions. Counts are whole numbers; a mistake is
// taken back by a reversing row, as money is, and every change is audited.
import type { Db, Trx } from '../../database';
import { translate, type MessageKey } from '../../i18n/messages';
import { cleanText, oneLine } from '../../http/text';
import type { Locale } from '../../locale';
import { recordAudit } from '../../staff/audit.repository';
import type { OutcomeKind, RoundOutcome } from '../../tables/round-outcomes.table';
import { findOutcomeOfRound, insertOutcome, sumOutcomes } from './outcomes.repository';
import { readReason, refusal, whyNotReversible, type ReversalOutcome } from './reversals';
import { lockRounds, type Round } from './rounds.repository';

export type OperationKind = Exclude<OutcomeKind, 'speech_therapy_session'>;

/** The procedures a child is counted under, in the order pages list them; 'other_operation' carries a label as typed. */
export const operationKinds: readonly OperationKind[] = ['cleft_lip_repair', 'cleft_palate_repair', 'other_operation'];
export const outcomeKinds: readonly OutcomeKind[] = [...operationKinds, 'speech_therapy_session'];

export interface RoundOutcomes {
  /** Children operated, every procedure together. */
  childrenOperated: number;
  /** Per procedure (other operations per label), net of reversals; procedures that came to nothing left out. */
  byProcedure: Array<{ kind: OperationKind; label: string | null; count: number }>;
  speechTherapySessions: number;
}

const isOperation = (kind: OutcomeKind): kind is OperationKind => kind !== 'speech_therapy_session';

/** The round's outcomes, net of reversals. */
export async function roundOutcomes(db: Db, campaignId: number): Promise<RoundOutcomes> {
  const sums = await sumOutcomes(db, campaignId);
  const byProcedure = operationKinds.flatMap((kind) =>
    sums.filter((row) => row.kind === kind && row.count !== 0).map((row) => ({ kind, label: kind === 'other_operation' ? row.label : null, count: row.count })),
  );
  return {
    childrenOperated: byProcedure.reduce((total, row) => total + row.count, 0),
    byProcedure,
    speechTherapySessions: sums.filter((row) => !isOperation(row.kind)).reduce((total, row) => total + row.count, 0),
  };
}

/** The outcome form as typed, kept to show it again beside its errors. */
export type OutcomeForm = Record<'kind' | 'label' | 'count' | 'note', string>;

export interface OutcomeEntry {
  kind: OutcomeKind;
  label: string | null;
  count: number;
  note: string;
}

export function outcomeFormFrom(body: Record<string, unknown> | undefined): OutcomeForm {
  return { kind: oneLine(body?.kind), label: oneLine(body?.label), count: oneLine(body?.count), note: cleanText(body?.note) };
}

/** A count as typed (full-width digits from a Chinese input method read as their ASCII forms): 1 to 100,000. */
function readCount(text: string): number | undefined {
  const digits = text.normalize('NFKC').replace(/[,\s]/g, '');
  if (!/^\d{1,6}$/.test(digits)) return undefined;
  const count = Number(digits);
  return count >= 1 && count <= 100_000 ? count : undefined;
}

/** The outcome the form records, or what is wrong with it, each problem under its field, in `locale`. */
export function readOutcome(form: OutcomeForm, locale: Locale): { outcome: OutcomeEntry } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const say = (field: string, key: MessageKey) => (errors[field] = translate(locale, key));
  const kind = outcomeKinds.find((k) => k === form.kind);
  if (!kind) say('kind', 'rounds.outcome.error.kind');
  if (kind === 'other_operation' && (form.label === '' || form.label.length > 100)) say('label', 'rounds.outcome.error.label');
  const count = readCount(form.count);
  if (count === undefined) say('count', 'rounds.outcome.error.count');
  if (form.note.length > 500) say('note', 'rounds.outcome.error.note');
  if (!kind || count === undefined || Object.keys(errors).length > 0) return { errors };
  return { outcome: { kind, label: kind === 'other_operation' ? form.label : null, count, note: form.note } };
}

type RoundRef = Pick<Round, 'id' | 'slug'>;

const auditView = (round: RoundRef, row: Pick<RoundOutcome, 'kind' | 'label' | 'count'>) => ({ campaign: round.slug, kind: row.kind, label: row.label, count: row.count });

/** Records the outcome and its audit entry in one transaction; `now` is when it was recorded. */
export async function recordOutcome(db: Db, round: RoundRef, outcome: OutcomeEntry, staffId: number, now: Date): Promise<RoundOutcome> {
  return db.transaction().execute(async (trx) => {
    await lockRounds(trx, [round.id]);
    const row = await insertOutcome(trx, { campaign_id: round.id, kind: outcome.kind, label: outcome.label, count: outcome.count, note: outcome.note, recorded_by: staffId, recorded_at: now });
    await recordAudit(trx, { staffId, action: 'round.outcome_recorded', subjectType: 'round_outcome', subjectId: row.id, after: { ...auditView(round, row), note: row.note } });
    return row;
  });
}

async function reverseUnderLock(trx: Trx, round: RoundRef, outcomeId: number, reason: string, staffId: number, now: Date, locale: Locale): Promise<ReversalOutcome> {
  await lockRounds(trx, [round.id]);
  const original = await findOutcomeOfRound(trx, round.id, outcomeId);
  if (!original) return refusal(locale, 404, 'rounds.reverse.error.missing');
  const refused = whyNotReversible(original, locale);
  if (refused) return refused;
  const reversal = await insertOutcome(trx, { campaign_id: round.id, kind: original.kind, label: original.label, count: -original.count, note: reason, reverses_id: original.id, recorded_by: staffId, recorded_at: now });
  await recordAudit(trx, {
    staffId,
    action: 'round.outcome_reversed',
    subjectType: 'round_outcome',
    subjectId: original.id,
    before: auditView(round, original),
    after: { ...auditView(round, original), line: original.id, reversal_id: reversal.id, reason },
  });
  return { ok: true };
}

/** Takes an outcome row back in full with a reversing row; a row is reversed once, and a reversal never. */
export async function reverseOutcome(db: Db, round: RoundRef, outcomeId: number, reasonText: unknown, staffId: number, now: Date, locale: Locale): Promise<ReversalOutcome> {
  const read = readReason(reasonText, locale);
  if (!read.ok) return read;
  return db.transaction().execute((trx) => reverseUnderLock(trx, round, outcomeId, read.reason, staffId, now, locale));
}
