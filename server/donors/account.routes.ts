// The donor account at /account: sign in by an emailed link, then gifts, receipts, regular gifts,
// statements and email preferences, each only ever the signed-in donor's own.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { asLocale, localeFrom, localeOf, say } from '../http/language';
import { statementYears } from '../receipts/statement.repository';
import { nextGiftDate } from '../donations/next-gift';
import { translate } from '../i18n/messages';
import { chooseNewsInAccount } from '../impact/consent';
import { findNewsConsent } from '../impact/consent.repository';
import { listRefundNotices } from '../receipts/receipt.repository';
import { listDonorGifts, listPlanMoves, listRunningPlans, saveEmailLanguage } from './donor.repository';
import { accountStatementRoutes } from './statement.routes';
import { fiscalYearLabel } from '../fiscal-year';
import { accountPlanRoutes } from './plan.routes';
import { accountShell, signedIn } from './shell';
import { accountSignInRoutes } from './sign-in.routes';
import { stopGiftRoutes } from './stop-gift.routes';
import { dataRightsRoutes } from './data-rights.routes';
import { partnerReceiptAccountRoutes } from '../finance/partner-receipts/donor.routes';
import { dateIn, giftRows, noticeOf, planMoveLines, planSummary, preferencesView, roundSharesView } from './account.view';
import { listDonorShares } from '../missions/rounds/report.repository';

export function donorRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/account', ...accountShell(ctx));
  router.get('/account', showAccount(ctx));
  router.use(accountSignInRoutes(ctx));
  router.post('/account/preferences', updatePreferences(ctx));
  router.use(accountStatementRoutes(ctx));
  router.use(accountPlanRoutes(ctx));
  router.use(stopGiftRoutes(ctx));
  router.use(dataRightsRoutes(ctx));
  router.use(partnerReceiptAccountRoutes(ctx));
  return router;
}

const showAccount = (ctx: AppContext) => async (req: Request, res: Response) => {
  const donor = res.locals.donor;
  if (!donor) return res.render('donors/sign-in', { title: say(res, 'account.signIn.heading') });
  const { db, stripe, config } = ctx;
  const [gifts, plans, years, consent, shares] = await Promise.all([
    listDonorGifts(db, donor.id),
    listRunningPlans(db, donor.id),
    statementYears(db, donor.id, { start: config.fiscalYearStart, timeZone: config.organisation.timeZone }),
    findNewsConsent(db, donor.id),
    listDonorShares(db, donor.id),
  ]);
  const [nextDates, moves, refundNotices] = await Promise.all([
    Promise.all(plans.map((plan) => (plan.status === 'canceled' ? null : nextGiftDate(stripe, plan.stripe_subscription_id!)))),
    listPlanMoves(db, plans.map((plan) => plan.id)),
    listRefundNotices(db, gifts.map((gift) => gift.id)),
  ]);
  res.render('donors/account', {
    title: say(res, 'account.title'),
    donor,
    notice: noticeOf(req, res),
    gifts: giftRows(res, config, gifts, refundNotices),
    plans: plans.map((plan, i) => {
      const next = nextDates[i];
      return { ...planSummary(res, plan), next: next && plan.status !== 'paused' ? dateIn(config, localeOf(res), next) : null, moves: planMoveLines(res, config, moves, plan.id) };
    }),
    years: years.map((year) => ({ year, label: fiscalYearLabel(year, config.fiscalYearStart) })),
    prefs: preferencesView(res, config, donor, consent),
    shares: roundSharesView(res, config, shares),
  });
};

const updatePreferences = (ctx: AppContext) => async (req: Request, res: Response) => {
  const donor = signedIn(res);
  if (!donor) return;
  const locale = asLocale(req.body?.locale) ?? localeFrom(donor.locale);
  const shownIn = asLocale(req.body?.shown_in) ?? localeOf(res);
  // Ticking or unticking the box is a yes or a no, recorded with the sentence beside it; saving it unchanged records nothing.
  await chooseNewsInAccount(ctx.db, donor.id, req.body?.news === 'on', { wording: translate(shownIn, 'account.prefs.news'), locale: shownIn, at: ctx.clock.now() });
  await saveEmailLanguage(ctx.db, donor.id, locale);
  res.redirect(303, '/account?done=saved');
};
