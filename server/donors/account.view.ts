// The donor account's pages as the templates show them: gifts, regular gifts and notices, in the page's language.
import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { localeFrom, localeOf, say } from '../http/language';
import { receiptPath, receiptPdfPath, refundNoticePdfPath } from '../receipts/receipt.view';
import type { listRefundNotices } from '../receipts/receipt.repository';
import type { MessageKey } from '../i18n/messages';
import { languageNames, localize, locales, type Locale } from '../locale';
import { formatMoney } from '../money';
import type { NewsConsent } from '../impact/consent.repository';
import type { DonorShareRow } from '../missions/rounds/report.repository';
import { shareRule, sharesOfRounds } from '../missions/rounds/share.view';
import type { AccountPlan, listDonorGifts, PlanMoveRow, PlanToStop } from './donor.repository';
import { donorPartnerReceipt } from '../finance/partner-receipts/partner-receipt.view';
import type { SignedInDonor } from './sessions';

type Gift = Awaited<ReturnType<typeof listDonorGifts>>[number];

/** What ?done= on a redirect says on the next page. */
const notices: Record<string, MessageKey> = {
  changed: 'account.plan.changed',
  paused: 'account.plan.paused',
  resumed: 'account.plan.resumed',
  canceled: 'account.plan.canceled',
  saved: 'account.prefs.saved',
};

const statusLabels: Partial<Record<string, MessageKey>> = { refunded: 'account.gifts.refunded', partially_refunded: 'account.gifts.partiallyRefunded', disputed: 'account.gifts.disputed' };

export const dateIn = (config: AppContext['config'], locale: Locale, value: Date) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: config.organisation.timeZone }).format(value);

/** The sentence a redirect's ?done= asks for, if any. */
export function noticeOf(req: Request, res: Response): string | undefined {
  const key = typeof req.query.done === 'string' ? notices[req.query.done] : undefined;
  return key && say(res, key);
}

export function planSummary(res: Response, plan: AccountPlan) {
  const locale = localeOf(res);
  return {
    id: plan.id,
    campaign: localize(plan.campaign_title, locale),
    currency: plan.currency,
    summary: say(res, 'account.plans.summary', {
      amount: formatMoney(plan, locale),
      frequency: say(res, plan.interval === 'year' ? 'account.plans.every.year' : 'account.plans.every.month'),
      campaign: localize(plan.campaign_title, locale),
    }),
    paused: plan.status === 'paused',
    pastDue: plan.status === 'past_due',
    canceled: plan.status === 'canceled',
  };
}

type RefundNotice = Awaited<ReturnType<typeof listRefundNotices>>[number];

/** Each gift with its latest receipt (void when nothing was kept) and the notice of every refund that voided one. */
export function giftRows(res: Response, config: AppContext['config'], gifts: Gift[], refundNotices: RefundNotice[] = []) {
  const locale = localeOf(res);
  return gifts.map((gift) => {
    const statusKey = statusLabels[gift.status];
    return {
      id: gift.id,
      givenOn: dateIn(config, locale, gift.succeeded_at ?? gift.created_at),
      campaign: localize(gift.campaign_title, locale),
      amount: formatMoney(gift, locale),
      kind: say(res, `account.kind.${gift.frequency}`),
      statusLabel: statusKey && say(res, statusKey),
      receiptNumber: gift.receipt_number,
      receiptUrl: gift.receipt_id ? receiptPath(config.sessionSecret, gift.receipt_id) : null,
      receiptPdfUrl: gift.receipt_id ? receiptPdfPath(config.sessionSecret, gift.receipt_id) : null,
      receiptVoid: gift.receipt_voided_at !== null,
      refundNotices: refundNotices
        .filter((notice) => notice.donation_id === gift.id)
        .map((notice) => ({ label: say(res, 'account.gifts.refundNotice', { number: notice.number }), url: refundNoticePdfPath(config.sessionSecret, notice.id) })),
      partnerReceipt: donorPartnerReceipt(locale, gift),
    };
  });
}

/** When and where the donor's current choice about news was made, as a sentence; none for a donor never asked. */
function newsChoiceLine(res: Response, config: AppContext['config'], consent: NewsConsent | undefined): string | undefined {
  if (!consent) return undefined;
  const date = dateIn(config, localeOf(res), consent.chosen_at);
  if (!consent.granted) return say(res, 'account.prefs.news.stopped', { date });
  return say(res, consent.source === 'donate_form' ? 'account.prefs.news.givenOnForm' : 'account.prefs.news.givenHere', { date });
}

export function preferencesView(res: Response, config: AppContext['config'], donor: SignedInDonor, consent: NewsConsent | undefined) {
  return {
    news: consent?.granted ?? false,
    newsChoice: newsChoiceLine(res, config, consent),
    /** The page's language, sent back with the form: the account's yes or no is recorded with the sentence as it read here. */
    shownIn: localeOf(res),
    languages: locales.map((code) => ({ code, name: languageNames[code], selected: code === localeFrom(donor.locale) })),
  };
}

/** Each time the plan followed its mission off a closed round, as a sentence: oldest first. */
export function planMoveLines(res: Response, config: AppContext['config'], moves: PlanMoveRow[], planId: string): string[] {
  const locale = localeOf(res);
  return moves
    .filter((move) => move.plan_id === planId)
    .map((move) => say(res, 'account.plans.moved', { from: localize(move.from_title, locale), to: localize(move.to_title, locale), date: dateIn(config, locale, move.moved_at) }));
}

/** The donor's share of each reported round they gave to, latest report first, and the rule the shares follow: once per currency the reports count in. */
export function roundSharesView(res: Response, config: AppContext['config'], rows: DonorShareRow[]) {
  const locale = localeOf(res);
  const rounds = sharesOfRounds(rows, locale).map((share) => ({ ...share, reportedOn: dateIn(config, locale, share.reportedAt) }));
  const rules = [...new Set(rounds.map((round) => round.reportCurrency))].map((currency) => shareRule(currency, locale));
  return { rounds, rules };
}

export type StopGiftState = 'asking' | 'stopped' | 'already stopped' | 'provider down';

/** The page behind the stop link: the gift, and one button; or, once done, that it has stopped. */
export function stopGiftView(res: Response, plan: PlanToStop, action: string, state: StopGiftState) {
  const locale = localeOf(res);
  const yearly = plan.interval === 'year';
  const message: Record<StopGiftState, MessageKey> = { asking: 'account.stop.body', 'provider down': 'account.stop.body', stopped: 'account.stop.done', 'already stopped': 'account.stop.already' };
  return {
    title: say(res, yearly ? 'account.stop.title.year' : 'account.stop.title.month'),
    summary: say(res, 'account.plans.summary', {
      amount: formatMoney(plan, locale),
      frequency: say(res, yearly ? 'account.plans.every.year' : 'account.plans.every.month'),
      campaign: localize(plan.campaign_title, locale),
    }),
    action,
    asking: state === 'asking' || state === 'provider down',
    message: say(res, message[state]),
    button: say(res, yearly ? 'account.stop.button.year' : 'account.stop.button.month'),
    error: state === 'provider down' ? say(res, 'account.plan.providerDown') : undefined,
  };
}
