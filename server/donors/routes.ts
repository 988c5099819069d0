// The donor account at /account: sign in by an emailed link, then gifts, receipts, regular gifts,
// statements and email preferences, each only ever the signed-in donor's own.
import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { networkOf } from '../http/network';
import { formProtection, renewFormProtection, type FormProtection } from '../http/csrf';
import { NotFound } from '../http/errors';
import { asLocale } from '../http/language';
import { oneLine } from '../http/text';
import { translate, type MessageKey } from '../i18n/messages';
import { localize, locales, type Locale } from '../locale';
import { formatMoney, toMajorUnits } from '../money';
import { publicUrl } from '../config';
import { statementGifts, statementView } from '../receipts/statements';
import { signToken } from '../http/signed-links';
import { cancel, cardUpdateUrl, changeAmount, nextGiftDate, pause, readPlanChange, resume } from './plan-changes';
import { giftsOf, planOf, plansOf, savePreferences, statementYears, type AccountPlan } from './donor.repository';
import { donorForSession, donorSessionCookie, donorSessionHours, endDonorSession, startDonorSession, type SignedInDonor } from './sessions';
import { requestSignInLink, signInLinkIsValid, useSignInLink, withinSignInLimits } from './sign-in-links';

const languageNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** What ?done= on a redirect says on the next page. */
const notices: Record<string, MessageKey> = {
  changed: 'account.plan.changed',
  paused: 'account.plan.paused',
  resumed: 'account.plan.resumed',
  canceled: 'account.plan.canceled',
  saved: 'account.prefs.saved',
};

const emailSchema = z.email();

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The donor signed in to /account, when one is. */
      donor?: SignedInDonor;
    }
  }
}

export function donorRoutes(ctx: AppContext): Router {
  const { db, config, stripe } = ctx;
  const secure = config.baseUrl?.startsWith('https:') ?? false;
  const router = Router();
  const forms: FormProtection = { secret: config.sessionSecret, secure, cookieName: 'sf_account_csrf', path: '/account', sessionCookie: donorSessionCookie };
  const localeOf = (res: Response): Locale => res.locals.locale ?? 'en';
  const say = (res: Response, key: MessageKey, values?: Record<string, string | number>) => translate(localeOf(res), key, values);
  const dateIn = (locale: Locale, value: Date) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: config.organisation.timeZone }).format(value);

  router.use(
    '/account',
    cookieParser(),
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }),
    formProtection(forms),
    async (req: Request, res: Response, next: NextFunction) => {
      const token = req.cookies?.[donorSessionCookie];
      if (typeof token === 'string') res.locals.donor = await donorForSession(db, token);
      res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
      next();
    },
  );

  /** The signed-in donor, or a trip back to the sign-in page. */
  function signedIn(req: Request, res: Response): SignedInDonor | undefined {
    if (res.locals.donor) return res.locals.donor;
    res.redirect(303, '/account');
    return undefined;
  }

  function planSummary(res: Response, plan: AccountPlan) {
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

  async function renderAccount(req: Request, res: Response, donor: SignedInDonor) {
    const locale = localeOf(res);
    const [gifts, plans, years] = await Promise.all([giftsOf(db, donor.id), plansOf(db, donor.id), statementYears(db, donor.id)]);
    const nextDates = await Promise.all(plans.map((plan) => (plan.status === 'canceled' ? null : nextGiftDate(stripe, plan.stripe_subscription_id!))));
    const statusLabels: Partial<Record<string, MessageKey>> = { refunded: 'account.gifts.refunded', partially_refunded: 'account.gifts.partiallyRefunded', disputed: 'account.gifts.disputed' };
    const noticeKey = typeof req.query.done === 'string' ? notices[req.query.done] : undefined;
    res.render('donors/account', {
      title: say(res, 'account.title'),
      donor,
      notice: noticeKey && say(res, noticeKey),
      gifts: gifts.map((gift) => {
        const statusKey = statusLabels[gift.status];
        return {
          id: gift.id,
          givenOn: dateIn(locale, gift.succeeded_at ?? gift.created_at),
          campaign: localize(gift.campaign_title, locale),
          amount: formatMoney(gift, locale),
          kind: say(res, `account.kind.${gift.frequency}`),
          statusLabel: statusKey && say(res, statusKey),
          receiptNumber: gift.receipt_number,
          receiptUrl: gift.receipt_id ? `/receipts/${signToken(config.sessionSecret, 'receipt', gift.receipt_id)}` : null,
        };
      }),
      plans: plans.map((plan, i) => {
        const next = nextDates[i];
        return { ...planSummary(res, plan), next: next && plan.status !== 'paused' ? dateIn(locale, next) : null };
      }),
      years,
      prefs: {
        impactUpdates: donor.impact_opt_out_at === null,
        languages: locales.map((code) => ({ code, name: languageNames[code], selected: code === (asLocale(donor.locale) ?? 'en') })),
      },
    });
  }

  router.get('/account', async (req, res) => {
    const donor = res.locals.donor;
    if (!donor) return res.render('donors/sign-in', { title: say(res, 'account.signIn.heading') });
    await renderAccount(req, res, donor);
  });

  // The answer is the same page, with the same status, whether or not the address ever gave.
  router.post('/account/sign-in', async (req, res) => {
    const email = oneLine(req.body?.email).slice(0, 254);
    const title = say(res, 'account.signIn.heading');
    if (email === '' || !emailSchema.safeParse(email).success) {
      res.status(422).render('donors/sign-in', { title, email, emailError: say(res, email === '' ? 'account.signIn.emailMissing' : 'account.signIn.emailInvalid') });
      return;
    }
    if (!(await withinSignInLimits(ctx, email, networkOf(req.ip)))) {
      res.status(429).render('donors/sign-in', { title, email, error: say(res, 'account.signIn.tooMany') });
      return;
    }
    await requestSignInLink(ctx, email, localeOf(res));
    res.render('donors/check-email', { title: say(res, 'account.checkEmail.heading'), email });
  });

  router.get('/account/sign-in/:token', async (req, res) => {
    const valid = await signInLinkIsValid(db, req.params.token);
    res.status(valid ? 200 : 410).render('donors/confirm', {
      title: say(res, valid ? 'account.confirm.heading' : 'account.linkInvalid.heading'),
      invalid: !valid,
      action: `/account/sign-in/${req.params.token}`,
    });
  });

  router.post('/account/sign-in/:token', async (req, res) => {
    const donorId = await useSignInLink(db, req.params.token);
    if (donorId === undefined) {
      res.status(410).render('donors/confirm', { title: say(res, 'account.linkInvalid.heading'), invalid: true });
      return;
    }
    // A session already open in this browser (perhaps another donor's) ends first.
    const previous = req.cookies?.[donorSessionCookie];
    if (typeof previous === 'string') await endDonorSession(db, previous);
    const token = await startDonorSession(db, donorId, req.get('user-agent'));
    res.cookie(donorSessionCookie, token, { httpOnly: true, sameSite: 'lax', secure, path: '/account', maxAge: donorSessionHours * 3600_000 });
    renewFormProtection(res, forms);
    res.redirect(303, '/account');
  });

  router.post('/account/sign-out', async (req, res) => {
    const token = req.cookies?.[donorSessionCookie];
    if (typeof token === 'string') await endDonorSession(db, token);
    renewFormProtection(res, forms);
    res.clearCookie(donorSessionCookie, { path: '/account', httpOnly: true, sameSite: 'lax', secure }).redirect(303, '/account');
  });

  router.post('/account/preferences', async (req, res) => {
    const donor = signedIn(req, res);
    if (!donor) return;
    const impactUpdates = req.body?.impact_updates === 'on';
    const locale = asLocale(req.body?.locale) ?? (asLocale(donor.locale) ?? 'en');
    await savePreferences(db, donor.id, { impactUpdates, locale });
    res.redirect(303, '/account?done=saved');
  });

  router.get('/account/statements/:year', async (req, res) => {
    const donor = signedIn(req, res);
    if (!donor) return;
    const year = /^\d{4}$/.test(req.params.year) ? Number(req.params.year) : undefined;
    if (!year) return res.redirect(303, '/account');
    const locale = localeOf(res);
    const view = statementView(await statementGifts(db, donor.id, year), locale, config.organisation.timeZone);
    res.render('donors/statement', {
      title: say(res, 'account.statement.heading', { year }),
      year,
      donorName: donor.name ?? donor.email,
      organisation: config.organisation,
      wording: config.receiptWording[locale],
      ...view,
    });
  });

  /** The signed-in donor's own plan named in the URL; anything else is sent back to the account page. */
  async function ownPlan(req: Request, res: Response): Promise<AccountPlan | undefined> {
    const donor = signedIn(req, res);
    if (!donor) return undefined;
    const plan = await planOf(db, donor.id, String(req.params.id));
    if (!plan) throw new NotFound('This regular gift is not one of yours, or it no longer exists.');
    return plan;
  }

  function renderPlan(req: Request, res: Response, plan: AccountPlan, extra: { status?: number; next?: Date | null; error?: string; errors?: Record<string, string>; form?: { amount: string; frequency: string } } = {}) {
    const locale = localeOf(res);
    const noticeKey = typeof req.query.done === 'string' ? notices[req.query.done] : undefined;
    res.status(extra.status ?? 200).render('donors/plan', {
      title: say(res, 'account.plan.heading', { campaign: localize(plan.campaign_title, locale) }),
      plan: { ...planSummary(res, plan), next: extra.next && plan.status !== 'paused' ? dateIn(locale, extra.next) : null },
      notice: noticeKey && say(res, noticeKey),
      error: extra.error,
      errors: extra.errors ?? {},
      form: extra.form ?? { amount: toMajorUnits(plan), frequency: plan.interval },
    });
  }

  router.get('/account/plans/:id', async (req, res) => {
    const plan = await ownPlan(req, res);
    if (!plan) return;
    renderPlan(req, res, plan, { next: plan.status === 'canceled' ? null : await nextGiftDate(stripe, plan.stripe_subscription_id!) });
  });

  /** Runs a change at Stripe; when Stripe refuses or is away, the plan page says so and nothing changed. */
  async function atStripe(req: Request, res: Response, plan: AccountPlan, change: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await change();
    } catch (error) {
      ctx.logger.error({ err: error, planId: plan.id }, 'donor account: Stripe refused or did not answer');
      renderPlan(req, res, plan, { status: 503, error: say(res, 'account.plan.providerDown') });
      return;
    }
    res.redirect(303, done === 'canceled' ? '/account?done=canceled' : `/account/plans/${plan.id}?done=${done}`);
  }

  router.post('/account/plans/:id/amount', async (req, res) => {
    const plan = await ownPlan(req, res);
    if (!plan || plan.status === 'canceled') return plan && res.redirect(303, `/account/plans/${plan.id}`);
    const change = readPlanChange(req.body, plan.currency, config.donations, localeOf(res));
    if (!change.ok) return renderPlan(req, res, plan, { status: 422, errors: change.errors, form: change.values });
    await atStripe(req, res, plan, () => changeAmount(stripe, plan.stripe_subscription_id!, change), 'changed');
  });

  router.post('/account/plans/:id/pause', async (req, res) => {
    const plan = await ownPlan(req, res);
    if (!plan || plan.status === 'canceled') return plan && res.redirect(303, `/account/plans/${plan.id}`);
    await atStripe(req, res, plan, () => pause(stripe, plan.stripe_subscription_id!), 'paused');
  });

  router.post('/account/plans/:id/resume', async (req, res) => {
    const plan = await ownPlan(req, res);
    if (!plan || plan.status === 'canceled') return plan && res.redirect(303, `/account/plans/${plan.id}`);
    await atStripe(req, res, plan, () => resume(stripe, plan.stripe_subscription_id!), 'resumed');
  });

  router.post('/account/plans/:id/cancel', async (req, res) => {
    const plan = await ownPlan(req, res);
    if (!plan) return;
    if (plan.status === 'canceled') return res.redirect(303, '/account?done=canceled');
    await atStripe(req, res, plan, () => cancel(stripe, plan.stripe_subscription_id!), 'canceled');
  });

  // A link, not a form: it only opens the donor's own card page at Stripe, so a forged click changes nothing.
  router.get('/account/plans/:id/card', async (req, res) => {
    const plan = await ownPlan(req, res);
    if (!plan) return;
    if (plan.status === 'canceled') return res.redirect(303, `/account/plans/${plan.id}`);
    let url: string;
    try {
      url = await cardUpdateUrl(stripe, plan.stripe_subscription_id!, `${publicUrl(config)}/account/plans/${plan.id}`, localeOf(res));
    } catch (error) {
      ctx.logger.error({ err: error, planId: plan.id }, 'billing portal: Stripe refused or did not answer');
      renderPlan(req, res, plan, { status: 503, error: say(res, 'account.plan.providerDown') });
      return;
    }
    res.redirect(303, url);
  });

  return router;
}
