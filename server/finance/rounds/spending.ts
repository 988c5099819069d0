// A round's spending as finance records it: by category, in the currency paid, with a note and, if there
// is one, the receipt scan (PDF, JPEG or PNG, at most 5 MB, kept in the database so that a backup holds
// it). A mistake is taken back by a reversing row, never edited; every change is audited.
import { isDay } from '../../calendar';
import type { Db, Trx } from '../../database';
import type { UploadedFile } from '../../http/multipart';
import { cleanText, oneLine } from '../../http/text';
import { translate, type MessageKey } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { isKnownCurrency } from '../../money';
import { findSpendingOfRound, insertSpending, insertSpendingAttachment } from '../../missions/rounds/funds.repository';
import { readReason, refusal, whyNotReversible, type ReversalOutcome } from '../../missions/rounds/reversals';
import { lockRounds, type Round } from '../../missions/rounds/rounds.repository';
import { spendingCategories } from '../../missions/rounds/statement';
import { recordAudit } from '../../staff/audit.repository';
import type { AttachmentType } from '../../tables/round-spending-attachments.table';
import type { RoundSpending, SpendingCategory } from '../../tables/round-spending.table';
import { readAmount } from '../amount';

/** The largest receipt scan taken, as the migration's check constraint holds it: 5 MiB. */
export const attachmentLimitBytes = 5 * 1024 * 1024;

/** The form as typed, kept to show it again beside its errors (the file is never sent back: it is chosen again). */
export type SpendingForm = Record<'category' | 'amount' | 'currency' | 'spent_on' | 'note', string>;

export interface Attachment {
  filename: string;
  contentType: AttachmentType;
  content: Buffer;
}

export interface SpendingEntry {
  category: SpendingCategory;
  amount: number;
  currency: string;
  /** YYYY-MM-DD, the organisation's day the money was paid. */
  spentOn: string;
  note: string;
  attachment: Attachment | null;
}

export function spendingFormFrom(body: Record<string, unknown> | undefined): SpendingForm {
  return {
    category: oneLine(body?.category),
    amount: oneLine(body?.amount),
    currency: oneLine(body?.currency).toUpperCase(),
    spent_on: oneLine(body?.spent_on),
    note: cleanText(body?.note),
  };
}

/** Every ISO 4217 currency this Node knows; three capital letters alone ("XYZ") name none. */

/** What the first bytes of a file say it is, for the three kinds of receipt scan taken. */
function sniffedType(content: Buffer): AttachmentType | undefined {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  if (content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

const extensions: Record<AttachmentType, string> = { 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' };

/** The file's own name without its folders, one line, at most 200 characters; a name that is nothing after that is "receipt" with its kind's extension. */
function attachmentName(filename: string, type: AttachmentType): string {
  const base = oneLine(filename.split(/[\\/]/).at(-1));
  return [...base].length > 200 ? [...base].slice(-200).join('') : base || `receipt${extensions[type]}`;
}

/** The receipt scan a form sent, checked by its size and first bytes, or what is wrong with it; also read for a mainland partner's receipt (server/finance/partner-receipts). */
export function readAttachment(file: UploadedFile | undefined, locale: Locale): { attachment: Attachment | null } | { problem: string } {
  if (!file) return { attachment: null };
  if (file.content.length === 0) return { problem: translate(locale, 'rounds.spending.error.attachmentEmpty') };
  if (file.content.length > attachmentLimitBytes) {
    return { problem: translate(locale, 'rounds.spending.error.attachmentTooLarge', { size: (file.content.length / (1024 * 1024)).toFixed(1) }) };
  }
  const contentType = sniffedType(file.content);
  if (!contentType) return { problem: translate(locale, 'rounds.spending.error.attachmentType') };
  return { attachment: { filename: attachmentName(file.filename, contentType), contentType, content: file.content } };
}

/** What is wrong with the day the money was paid, if anything; `today` is the organisation's day. */
function spentOnProblem(spentOn: string, today: string): MessageKey | undefined {
  if (!isDay(spentOn)) return 'rounds.spending.error.spentOn';
  if (spentOn > today) return 'rounds.spending.error.spentInFuture';
  if (spentOn < '2000-01-01') return 'rounds.spending.error.spentTooEarly';
  return undefined;
}

/** The spending the form records, or each problem under its field, in `locale`; `today` is the organisation's day. */
export function readSpending(form: SpendingForm, file: UploadedFile | undefined, today: string, locale: Locale): { entry: SpendingEntry } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const say = (field: string, key: MessageKey) => (errors[field] = translate(locale, key));
  const category = spendingCategories.find((c) => c === form.category);
  if (!category) say('category', 'rounds.spending.error.category');
  let amount: number | undefined;
  if (!isKnownCurrency(form.currency)) say('currency', 'rounds.spending.error.currency');
  else {
    const read = readAmount(locale, 'offline', form.amount, form.currency);
    if (read.ok) amount = read.amount;
    else errors.amount = read.message;
  }
  const dayProblem = spentOnProblem(form.spent_on, today);
  if (dayProblem) say('spent_on', dayProblem);
  if (form.note === '' || form.note.length > 500) say('note', 'rounds.spending.error.note');
  const attachment = readAttachment(file, locale);
  if ('problem' in attachment) errors.attachment = attachment.problem;
  if (!category || amount === undefined || 'problem' in attachment || Object.keys(errors).length > 0) return { errors };
  return { entry: { category, amount, currency: form.currency, spentOn: form.spent_on, note: form.note, attachment: attachment.attachment } };
}

type RoundRef = Pick<Round, 'id' | 'slug'>;

const auditView = (round: RoundRef, row: Pick<RoundSpending, 'category' | 'amount' | 'currency' | 'spent_on'>) => ({
  campaign: round.slug,
  category: row.category,
  amount: row.amount,
  currency: row.currency,
  spent_on: row.spent_on,
});

/** Records the spending, its scan and the audit entry in one transaction; `now` is when it was recorded. */
export async function recordSpending(db: Db, round: RoundRef, entry: SpendingEntry, staffId: number, now: Date): Promise<RoundSpending> {
  return db.transaction().execute(async (trx) => {
    await lockRounds(trx, [round.id]);
    const row = await insertSpending(trx, { campaign_id: round.id, category: entry.category, amount: entry.amount, currency: entry.currency, spent_on: entry.spentOn, note: entry.note, recorded_by: staffId, recorded_at: now });
    if (entry.attachment) await insertSpendingAttachment(trx, { spending_id: row.id, filename: entry.attachment.filename, content_type: entry.attachment.contentType, content: entry.attachment.content });
    const attachment = entry.attachment && { filename: entry.attachment.filename, content_type: entry.attachment.contentType, bytes: entry.attachment.content.length };
    await recordAudit(trx, { staffId, action: 'round.spending_recorded', subjectType: 'round_spending', subjectId: row.id, after: { ...auditView(round, row), note: row.note, attachment } });
    return row;
  });
}

async function reverseUnderLock(trx: Trx, round: RoundRef, spendingId: number, reason: string, staffId: number, now: Date, locale: Locale): Promise<ReversalOutcome> {
  await lockRounds(trx, [round.id]);
  const original = await findSpendingOfRound(trx, round.id, spendingId);
  if (!original) return refusal(locale, 404, 'rounds.reverse.error.missing');
  const refused = whyNotReversible(original, locale);
  if (refused) return refused;
  const reversal = await insertSpending(trx, {
    campaign_id: round.id,
    category: original.category,
    amount: -original.amount,
    currency: original.currency,
    spent_on: original.spent_on,
    note: reason,
    reverses_id: original.id,
    recorded_by: staffId,
    recorded_at: now,
  });
  await recordAudit(trx, {
    staffId,
    action: 'round.spending_reversed',
    subjectType: 'round_spending',
    subjectId: original.id,
    before: { ...auditView(round, original), note: original.note },
    after: { ...auditView(round, original), line: original.id, reversal_id: reversal.id, reason },
  });
  return { ok: true };
}

/** Takes a spending row back in full (its round, category, currency and day) with a reversing row; once, and never a reversal. */
export async function reverseSpending(db: Db, round: RoundRef, spendingId: number, reasonText: unknown, staffId: number, now: Date, locale: Locale): Promise<ReversalOutcome> {
  const read = readReason(reasonText, locale);
  if (!read.ok) return read;
  return db.transaction().execute((trx) => reverseUnderLock(trx, round, spendingId, read.reason, staffId, now, locale));
}
