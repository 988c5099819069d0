// Amounts typed into finance forms (a refund, an offline gift): read in the gift's currency, and when one
// cannot be taken, the reason said once for every form, in the reader's language.
import { translate, type MessageKey } from '../i18n/messages';
import type { Locale } from '../locale';
import { parseAmount, type AmountProblem } from '../money';

/** The form an amount was typed in: each gives examples of its own size. */
export type AmountForm = 'refund' | 'offline';

export type AmountFault = AmountProblem | 'not_positive';

const faultKeys: Record<AmountForm, Record<AmountFault, MessageKey>> = {
  refund: {
    format: 'finance.amount.refund.format',
    separator: 'finance.amount.refund.separator',
    fraction: 'finance.amount.refund.fraction',
    too_large: 'finance.amount.tooLarge',
    not_positive: 'finance.amount.notPositive',
  },
  offline: {
    format: 'finance.amount.offline.format',
    separator: 'finance.amount.offline.separator',
    fraction: 'finance.amount.offline.fraction',
    too_large: 'finance.amount.tooLarge',
    not_positive: 'finance.amount.notPositive',
  },
};

/** "This amount is wrong, because…", for `form`'s amount field. */
function amountProblemMessage(locale: Locale, form: AmountForm, fault: AmountFault, currency: string): string {
  return translate(locale, faultKeys[form][fault], { currency });
}

export type AmountReading = { ok: true; amount: number } | { ok: false; message: string };

/** A positive amount in minor units of `currency`, or why `text` is not one. */
export function readAmount(locale: Locale, form: AmountForm, text: string, currency: string): AmountReading {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) return { ok: false, message: amountProblemMessage(locale, form, parsed.problem, currency) };
  if (parsed.money.amount <= 0) return { ok: false, message: amountProblemMessage(locale, form, 'not_positive', currency) };
  return { ok: true, amount: parsed.money.amount };
}
