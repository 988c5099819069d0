// A payout and its lines as the finance pages show them.
import type Stripe from 'stripe';
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import type { PayoutLine } from './payout-matching';
import { unixDate } from './payouts';

export const payoutView = (payout: Stripe.Payout) => ({
  id: payout.id,
  created: unixDate(payout.created),
  arrival: unixDate(payout.arrival_date),
  amount: payout.amount,
  currency: payout.currency.toUpperCase(),
  status: payout.status,
});

/** A line of one payout, with its matching status and the donor it came from in the reader's language. */
export const payoutLineView = (locale: Locale) => <Line extends Pick<PayoutLine, 'status' | 'entry'>>(line: Line) => ({
  ...line,
  statusLabel: translate(locale, `finance.payouts.status.${line.status}`),
  donor: line.entry ? line.entry.donor_name || line.entry.donor_email || translate(locale, 'finance.payout.anonymous') : undefined,
});
