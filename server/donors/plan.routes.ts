// A donor's own regular gift at /account/plans/:id: its page, and the changes made at Stripe from it.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { publicUrl } from '../config';
import { NotFound } from '../http/errors';
import { localize } from '../locale';
import { toMajorUnits } from '../money';
import { cancel, changeAmount, pause, readPlanChange, resume } from './plan-changes';
import { nextGiftDate } from '../donations/next-gift';
import { cardUpdatePortalUrl } from '../donations/billing-portal';
import { findDonorPlan, listPlanMoves, type AccountPlan } from './donor.repository';
import { signedIn } from './shell';
import { dateIn, noticeOf, planMoveLines, planSummary } from './account.view';
import { localeOf, say } from '../http/language';

type PlanPage = { status?: number; next?: Date | null; error?: string; errors?: Record<string, string>; form?: { amount: string; frequency: string } };

export function accountPlanRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/account/plans/:id', showPlan(ctx));
  router.post('/account/plans/:id/amount', changePlanAmount(ctx));
  router.post('/account/plans/:id/pause', changePlan(ctx, 'paused', (subscriptionId) => pause(ctx.stripe, subscriptionId)));
  router.post('/account/plans/:id/resume', changePlan(ctx, 'resumed', (subscriptionId) => resume(ctx.stripe, subscriptionId)));
  router.post('/account/plans/:id/cancel', cancelPlan(ctx));
  // A link, not a form: it only opens the donor's own card page at Stripe, so a forged click changes nothing.
  router.get('/account/plans/:id/card', openCardUpdate(ctx));
  return router;
}

/** The signed-in donor's own plan named in the URL; anything else is sent back to the account page. */
async function ownPlan(ctx: AppContext, req: Request, res: Response): Promise<AccountPlan | undefined> {
  const donor = signedIn(res);
  if (!donor) return undefined;
  const plan = await findDonorPlan(ctx.db, donor.id, String(req.params.id));
  if (!plan) throw new NotFound(say(res, 'account.plan.notYours'));
  return plan;
}

/** The plan to change, or undefined once the answer is given: a stopped plan only shows its page. */
async function changeablePlan(ctx: AppContext, req: Request, res: Response): Promise<AccountPlan | undefined> {
  const plan = await ownPlan(ctx, req, res);
  if (plan?.status !== 'canceled') return plan;
  res.redirect(303, `/account/plans/${plan.id}`);
  return undefined;
}

/** The plan page; where the gift moved between rounds is listed on every showing of it, a form's errors too. */
async function renderPlan(ctx: AppContext, req: Request, res: Response, plan: AccountPlan, page: PlanPage = {}): Promise<void> {
  const locale = localeOf(res);
  const moves = await listPlanMoves(ctx.db, [plan.id]);
  res.status(page.status ?? 200).render('donors/plan', {
    title: say(res, 'account.plan.heading', { campaign: localize(plan.campaign_title, locale) }),
    plan: { ...planSummary(res, plan), next: page.next && plan.status !== 'paused' ? dateIn(ctx.config, locale, page.next) : null, moves: planMoveLines(res, ctx.config, moves, plan.id) },
    notice: noticeOf(req, res),
    error: page.error,
    errors: page.errors ?? {},
    form: page.form ?? { amount: toMajorUnits(plan), frequency: plan.interval },
  });
}

/** Runs a change at Stripe; when Stripe refuses or is away, the plan page says so and nothing changed. */
async function atStripe(ctx: AppContext, req: Request, res: Response, plan: AccountPlan, change: () => Promise<unknown>, done: string): Promise<void> {
  try {
    await change();
  } catch (error) {
    ctx.logger.error({ err: error, planId: plan.id }, 'donor account: Stripe refused or did not answer');
    await renderPlan(ctx, req, res, plan, { status: 503, error: say(res, 'account.plan.providerDown') });
    return;
  }
  res.redirect(303, done === 'canceled' ? '/account?done=canceled' : `/account/plans/${plan.id}?done=${done}`);
}

const showPlan = (ctx: AppContext) => async (req: Request, res: Response) => {
  const plan = await ownPlan(ctx, req, res);
  if (!plan) return;
  const next = plan.status === 'canceled' ? null : await nextGiftDate(ctx.stripe, plan.stripe_subscription_id!);
  await renderPlan(ctx, req, res, plan, { next });
};

const changePlanAmount = (ctx: AppContext) => async (req: Request, res: Response) => {
  const plan = await changeablePlan(ctx, req, res);
  if (!plan) return;
  const change = readPlanChange(req.body, plan.currency, ctx.config.donations, localeOf(res));
  if (!change.ok) return await renderPlan(ctx, req, res, plan, { status: 422, errors: change.errors, form: change.values });
  await atStripe(ctx, req, res, plan, () => changeAmount(ctx.stripe, plan.stripe_subscription_id!, change), 'changed');
};

const changePlan = (ctx: AppContext, done: string, change: (subscriptionId: string) => Promise<unknown>) => async (req: Request, res: Response) => {
  const plan = await changeablePlan(ctx, req, res);
  if (!plan) return;
  await atStripe(ctx, req, res, plan, () => change(plan.stripe_subscription_id!), done);
};

const cancelPlan = (ctx: AppContext) => async (req: Request, res: Response) => {
  const plan = await ownPlan(ctx, req, res);
  if (!plan) return;
  if (plan.status === 'canceled') return res.redirect(303, '/account?done=canceled');
  await atStripe(ctx, req, res, plan, () => cancel(ctx.stripe, plan.stripe_subscription_id!), 'canceled');
};

const openCardUpdate = (ctx: AppContext) => async (req: Request, res: Response) => {
  const plan = await changeablePlan(ctx, req, res);
  if (!plan) return;
  let url: string;
  try {
    url = await cardUpdatePortalUrl(ctx.stripe, plan.stripe_subscription_id!, `${publicUrl(ctx.config)}/account/plans/${plan.id}`, localeOf(res));
  } catch (error) {
    ctx.logger.error({ err: error, planId: plan.id }, 'billing portal: Stripe refused or did not answer');
    await renderPlan(ctx, req, res, plan, { status: 503, error: say(res, 'account.plan.providerDown') });
    return;
  }
  res.redirect(303, url);
};
