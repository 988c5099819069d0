// Finance records a mainland partner's receipt (公益事业捐赠票据) against a paid gift: who issued it, its number,
// the day it was issued and its scan. Recording another for the same gift replaces the current one, which is
// kept; each is audited in the transaction that writes it.
import { isStanding } from '../../tables/donations.table';
import { dayIn, isDay } from '../../calendar';
import type { Db, Trx } from '../../database';
import type { UploadedFile } from '../../http/multipart';
import { serialId } from '../../http/params';
import { oneLine } from '../../http/text';
import { translate, type MessageKey } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { recordAudit } from '../../staff/audit.repository';
import { statusLabel } from '../labels';
import { readAttachment, type Attachment } from '../rounds/spending';
import { findCurrentPartnerReceipt, insertPartnerReceipt, lockGiftForPartnerReceipt, type PartnerReceiptSummary } from './partner-receipt.repository';

/**
 * The form as typed, kept to show it again beside its errors (the file is never sent back: it is chosen
 * again). `current` is the id of the receipt the page showed as current, '' for none: a receipt recorded
 * by a colleague since is not replaced unseen.
 */
export type PartnerReceiptForm = Record<'partner' | 'number' | 'issued_on' | 'current', string>;

export interface PartnerReceiptInput {
  donationId: string;
  form: PartnerReceiptForm;
  file: UploadedFile | undefined;
  /** The language of the messages. */
  locale: Locale;
  /** The organisation's: its day is "today" and the gift's day. */
  timeZone: string;
}

export type PartnerReceiptOutcome =
  | { ok: true; receipt: PartnerReceiptSummary; replaced: PartnerReceiptSummary | undefined }
  /** Messages by field; `form` for what concerns the whole form. 404: no such gift; 409: not now; 422: the form. */
  | { ok: false; status: 404 | 409 | 422; errors: Record<string, string> };

interface PartnerReceiptEntry {
  partner: string;
  number: string;
  issuedOn: string | null;
  file: Attachment;
  /** The receipt the sender meant to replace, if any. */
  current: number | null;
}

// Letters, marks, digits, punctuation, symbols and the plain space: what is printed on a receipt, never a
// control or formatting character that would read differently elsewhere.
const receiptNumberShape = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]{1,64}$/u;

export function partnerReceiptFormFrom(body: Record<string, unknown> | undefined): PartnerReceiptForm {
  return { partner: oneLine(body?.partner), number: oneLine(body?.number), issued_on: oneLine(body?.issued_on), current: oneLine(body?.current) };
}

function issuedOnProblem(issuedOn: string, today: string): MessageKey | undefined {
  if (!isDay(issuedOn)) return 'partnerReceipt.error.issuedOn';
  if (issuedOn > today) return 'partnerReceipt.error.issuedInFuture';
  // The database's floor: any real receipt for a gift here is later.
  if (issuedOn < '2000-01-01') return 'partnerReceipt.error.issuedOn';
  return undefined;
}

/** The receipt the form records, or each problem under its field. */
function readPartnerReceipt(form: PartnerReceiptForm, upload: UploadedFile | undefined, today: string, locale: Locale): { entry: PartnerReceiptEntry } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const say = (field: string, key: MessageKey) => (errors[field] = translate(locale, key));
  if (form.partner === '' || [...form.partner].length > 200) say('partner', 'partnerReceipt.error.partner');
  if (!receiptNumberShape.test(form.number)) say('number', 'partnerReceipt.error.number');
  const dayProblem = form.issued_on === '' ? undefined : issuedOnProblem(form.issued_on, today);
  if (dayProblem) say('issued_on', dayProblem);
  const read = readAttachment(upload, locale);
  if ('problem' in read) errors.file = read.problem;
  else if (!read.attachment) say('file', 'partnerReceipt.error.fileMissing');
  if (Object.keys(errors).length > 0 || 'problem' in read || !read.attachment) return { errors };
  return { entry: { partner: form.partner, number: form.number, issuedOn: form.issued_on || null, file: read.attachment, current: serialId(form.current) ?? null } };
}

/** What the audit log keeps of a receipt: all but the scan's bytes. */
const auditView = (row: PartnerReceiptSummary) => ({
  id: row.id,
  partner: row.partner_name,
  number: row.receipt_number,
  issued_on: row.issued_on,
  file: { filename: row.filename, content_type: row.content_type, bytes: row.byte_size },
});

async function attachUnderLock(trx: Trx, donationId: string, entry: PartnerReceiptEntry, staffId: number, now: Date, locale: Locale, timeZone: string): Promise<PartnerReceiptOutcome> {
  const gift = await lockGiftForPartnerReceipt(trx, donationId);
  if (!gift) return { ok: false, status: 404, errors: { form: translate(locale, 'finance.error.noSuchGift') } };
  // Only a gift whose money the charity holds may carry a partner's receipt.
  if (!isStanding(gift.status)) return { ok: false, status: 409, errors: { form: translate(locale, 'partnerReceipt.error.notPaid', { status: statusLabel(locale, gift.status) }) } };
  const givenAt = gift.succeeded_at ?? gift.created_at;
  if (entry.issuedOn !== null && entry.issuedOn < dayIn(givenAt, timeZone)) {
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(givenAt);
    return { ok: false, status: 422, errors: { issued_on: translate(locale, 'partnerReceipt.error.issuedBeforeGift', { date }) } };
  }
  const current = await findCurrentPartnerReceipt(trx, donationId);
  if ((current?.id ?? null) !== entry.current) return { ok: false, status: 409, errors: { form: translate(locale, 'partnerReceipt.error.changed') } };
  const receipt = await insertPartnerReceipt(trx, {
    donation_id: donationId,
    replaces_id: current?.id ?? null,
    partner_name: entry.partner,
    receipt_number: entry.number,
    issued_on: entry.issuedOn,
    filename: entry.file.filename,
    content_type: entry.file.contentType,
    content: entry.file.content,
    recorded_by: staffId,
    recorded_at: now,
  });
  await recordAudit(trx, {
    staffId,
    action: current ? 'gift.partner_receipt_replaced' : 'gift.partner_receipt_recorded',
    subjectType: 'donation',
    subjectId: donationId,
    before: current && auditView(current),
    after: auditView(receipt),
  });
  return { ok: true, receipt, replaced: current };
}

/**
 * Records the partner's receipt the form describes for the gift, replacing the current one if the sender
 * saw it; audited, in one transaction. Refused with messages in `input.locale` and nothing written when
 * the form is wrong, the gift is not paid, or another receipt was recorded since the sender's page.
 */
export async function attachPartnerReceipt(db: Db, input: PartnerReceiptInput, staffId: number, now: Date): Promise<PartnerReceiptOutcome> {
  const read = readPartnerReceipt(input.form, input.file, dayIn(now, input.timeZone), input.locale);
  if ('errors' in read) return { ok: false, status: 422, errors: read.errors };
  return db.transaction().execute((trx) => attachUnderLock(trx, input.donationId, read.entry, staffId, now, input.locale, input.timeZone));
}
