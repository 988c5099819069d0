// The audit log as staff read it: each change as a sentence in their language ("Fiona Finance refunded
// HK$150.00 of gift 1a2b3c4d"), with what was stored before and after kept, laid out, behind it.
import { isMessageKey, translate } from '../i18n/messages';
import { languageNames, localize, type Locale, type LocalizedText } from '../locale';
import { formatMoney, isCurrencyCode, parseAmount } from '../money';
import type { AuditLogRow } from './audit.repository';
import { isStaffRole } from './members';
import { roleList } from './staff.view';

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {});
const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
/** A text stored in several languages (an impact update's title since migration 0019), or one stored as a string before. */
const textIn = (locale: Locale, value: unknown): string =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? localize(value as LocalizedText, locale) : text(value);

/** An amount stored in minor units (a refund) or as typed in major units (an offline gift), in the reader's format. */
function amountText(locale: Locale, amount: unknown, currency: unknown): string {
  const code = text(currency).toUpperCase();
  if (!isCurrencyCode(code)) return text(amount);
  if (typeof amount === 'number') return formatMoney({ amount, currency: code }, locale);
  const parsed = parseAmount(text(amount), code);
  return parsed.ok ? formatMoney(parsed.money, locale) : text(amount);
}

/** The catalog's words for a stored value under `prefix` (a spending category, an outcome's kind), else the value as stored. */
function labelIn(locale: Locale, prefix: string, value: unknown): string {
  const key = `${prefix}${text(value)}`;
  return isMessageKey(key) ? translate(locale, key) : text(value);
}

const rolesText = (locale: Locale, roles: unknown) => (Array.isArray(roles) ? roleList(locale, roles.filter(isStaffRole)) : '');

/** A colleague's chosen language as its speakers name it; null was a return to following the browser. */
function languageNameOf(locale: Locale, code: unknown): string {
  const known = Object.entries(languageNames).find(([each]) => each === code);
  return known ? known[1] : code === null ? translate(locale, 'staff.audit.browserLanguage') : text(code);
}

/** The values an entry's sentence may name; each sentence in server/i18n/staff.ts takes the ones it needs. */
function sentenceValues(entry: AuditLogRow, locale: Locale, who: string): Record<string, string> {
  const before = fieldsOf(entry.before);
  const after = fieldsOf(entry.after);
  const subject = entry.subject_name ?? `${entry.subject_type} ${entry.subject_id}`;
  const currency = after.currency ?? entry.donation_currency;
  return {
    who,
    subject,
    action: entry.action,
    gift: entry.subject_type === 'donation' || entry.subject_type === 'recurring_plan' ? entry.subject_id.slice(0, 8) : entry.subject_id,
    amount: amountText(locale, after.amount, currency),
    reason: text(after.reason),
    message: text(after.message),
    method: text(after.method).replace(/_/g, ' '),
    name: text(after.name),
    email: text(after.email),
    roles: rolesText(locale, after.roles),
    rolesBefore: rolesText(locale, before.roles),
    rolesAfter: rolesText(locale, after.roles),
    title: textIn(locale, after.title),
    campaign: text(after.campaign) || text(after.slug) || text(before.slug),
    slug: text(after.slug) || text(before.slug),
    language: languageNameOf(locale, after.locale),
    // A regular gift that followed its mission off a closed round: the two rounds, by slug.
    from: text(after.from),
    to: text(after.to),
    // A round's spending, transfers and outcomes (#17): the line reversed, what was spent on, what was counted.
    line: text(after.line),
    category: labelIn(locale, 'rounds.category.', after.category),
    outcome: text(after.label) || labelIn(locale, 'rounds.outcome.', after.kind),
    count: text(after.count),
  };
}

/** The before/after record, indented for reading; empty when nothing was stored. */
const laidOut = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 2));

/** Where the entry's subject can be looked at, if it has a page. */
function subjectHref(entry: AuditLogRow, values: Record<string, string>): string | undefined {
  if (entry.subject_type === 'donation') return `/staff/finance/gifts/${entry.subject_id}`;
  if (entry.subject_type === 'campaign' && values.campaign) return `/staff/campaigns/${values.campaign}`;
  if (entry.subject_type === 'mission' && values.slug) return `/staff/missions/${values.slug}/edit`;
  if ((entry.subject_type === 'round_spending' || entry.subject_type === 'fund_transfer') && values.campaign) return `/staff/finance/rounds/${values.campaign}`;
  if (entry.subject_type === 'round_outcome' && values.campaign) return `/staff/campaigns/${values.campaign}/outcomes`;
  return undefined;
}

export function auditView(entries: AuditLogRow[], locale: Locale) {
  return entries.map((entry) => {
    const who = entry.name ?? translate(locale, 'staff.audit.commandLine');
    const values = sentenceValues(entry, locale, who);
    const key = `staff.audit.sentence.${entry.action}`;
    // An action without its own sentence (a new one, or one since retired) still reads as one.
    const sentence = isMessageKey(key) ? translate(locale, key, values) : translate(locale, 'staff.audit.sentence.other', values);
    return {
      at: entry.at,
      sentence,
      action: entry.action,
      href: subjectHref(entry, values),
      hasRecord: entry.before !== null || entry.after !== null,
      before: laidOut(entry.before),
      after: laidOut(entry.after),
    };
  });
}
