// The campaign managers' part of the staff area: the list of campaigns, the campaign form, each
// campaign's dashboard, and posting impact updates from it.
import { Router, type Response } from 'express';
import type { Db } from '../database';
import type { Campaign } from './campaign.table';
import type { ImpactFigure, ImpactPhoto } from '../impact/impact.table';
import type { AppContext } from '../context';
import { NotFound, ValidationError } from '../http/errors';
import { serialId } from '../http/params';
import { cleanText, oneLine } from '../http/text';
import { queueImpactFanOut } from '../impact/fanout';
import { postImpactUpdate } from '../impact/post';
import { impactProgress, listImpactUpdates } from '../impact/impact.repository';
import { localize } from '../locale';
import { formatMoney, percentOf, type Money } from '../money';
import { recordAudit } from '../staff/audit';
import { requireArea } from '../staff/access';
import { raisedChartSvg } from './staff-chart';
import { campaignDashboard } from './staff-dashboard';
import {
  blankCampaignValues,
  campaignFormValues,
  campaignCurrencies,
  campaignStatuses,
  createCampaign,
  maxPresets,
  readCampaignForm,
  updateCampaign,
  valuesOfCampaign,
  type CampaignFormValues,
} from './staff-editing';
import { findCampaignBySlug } from './campaign.repository';
import { campaignTotals } from './totals';

const locale = 'en';
const statusLabels: Record<string, string> = { draft: 'Draft', live: 'Live', closed: 'Closed' };
const show = (value: Money) => formatMoney(value, locale);
const showWhole = (value: Money) => formatMoney(value, locale, { wholeUnits: true });
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

async function campaignOr404(db: Db, slug: unknown): Promise<Campaign> {
  // The shape the table allows; anything else (a NUL byte would fail the query) is no campaign.
  const campaign = typeof slug === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) && slug.length <= 80 ? await findCampaignBySlug(db, slug) : undefined;
  if (!campaign) throw new NotFound('There is no campaign at this address.');
  return campaign;
}

/** The campaign form's view: the values as typed, a message per field, and a few blank preset rows. */
function campaignFormView(values: CampaignFormValues, errors: Record<string, string>) {
  const rows = [...values.presets];
  const blankRows = Math.min(maxPresets - rows.length, Math.max(3, 5 - rows.length));
  for (let i = 0; i < blankRows; i++) rows.push({ currency: values.target_currency || 'CNY', amount: '', label_en: '', label_zh: '' });
  return {
    values,
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
    targetCurrencies: campaignCurrencies.map((code) => ({ code, selected: code === values.target_currency })),
    acceptedCurrencies: campaignCurrencies.map((code) => ({ code, checked: values.accepted_currencies.includes(code) })),
    statuses: campaignStatuses.map((status) => ({ value: status, label: statusLabels[status], checked: status === values.status })),
    presetRows: rows.map((row, index) => ({
      ...row,
      field: `preset-${index + 1}`,
      number: index + 1,
      error: errors[`preset-${index + 1}`],
      currencies: campaignCurrencies.map((code) => ({ code, selected: code === row.currency })),
    })),
  };
}

function renderCampaignForm(res: Response, options: { campaign?: Campaign; values: CampaignFormValues; errors?: Record<string, string>; status?: number }) {
  const editing = options.campaign;
  res.status(options.status ?? 200).render('campaigns/staff/form', {
    title: editing ? `Edit ${localize(editing.title, locale)}` : 'New campaign',
    editing: editing ? { slug: editing.slug, title: localize(editing.title, locale) } : undefined,
    action: editing ? `/staff/campaigns/${editing.slug}/edit` : '/staff/campaigns',
    form: campaignFormView(options.values, options.errors ?? {}),
  });
}

const impactFields: Record<string, string> = { title: 'impact_title', body: 'impact_body', figures: 'impact_figures', photos: 'impact_photos', campaign: 'impact_campaign' };

interface ImpactFormValues {
  impact_title: string;
  impact_body: string;
  impact_figures: string;
  impact_photos: string;
}

const lines = (text: string) => text.split(/\r?\n/).map((line) => line.trim());

/** "Children operated = 152", one a line; blank lines are skipped. */
function readFigures(text: string): { figures: ImpactFigure[]; problem?: string } {
  const figures: ImpactFigure[] = [];
  for (const [index, line] of lines(text).entries()) {
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    const label = line.slice(0, Math.max(0, at)).trim();
    const number = line.slice(at + 1).replace(/[\s,_]/g, '');
    if (at <= 0 || label === '' || !/^\d+(\.\d+)?$/.test(number)) return { figures, problem: `Line ${index + 1}: write each figure as LABEL = NUMBER, such as “Children operated = 152”.` };
    figures.push({ label, value: Number(number) });
  }
  return { figures };
}

/** "https://… what it shows", one a line. */
function readPhotos(text: string): ImpactPhoto[] {
  return lines(text)
    .filter((line) => line !== '')
    .map((line) => {
      const [url = '', ...alt] = line.split(/\s+/);
      return { url, alt: alt.join(' ') || null };
    });
}

function progressText(progress: Awaited<ReturnType<typeof impactProgress>>): string {
  if (!progress) return '';
  if (progress.total === null) return `Finding donors: ${progress.sent} sent so far`;
  const skipped = progress.skipped > 0 ? `, ${progress.skipped} skipped (unsubscribed)` : '';
  return `${progress.sent} of ${progress.total} sent${skipped}${progress.completedAt ? ', finished' : ''}`;
}

export function staffCampaignRoutes(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();
  const campaigns = requireArea('campaigns');

  router.get('/staff/campaigns', campaigns, async (_req, res) => {
    const rows = await db
      .selectFrom('campaigns')
      .selectAll()
      .orderBy((eb) => eb.case().when('status', '=', 'live').then(0).when('status', '=', 'draft').then(1).else(2).end())
      .orderBy('starts_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const totals = await campaignTotals(db, rows);
    res.render('campaigns/staff/list', {
      title: 'Campaigns',
      campaigns: rows.map((campaign) => {
        const total = totals.get(campaign.id)!;
        const target = { amount: campaign.target_amount, currency: campaign.target_currency };
        return {
          slug: campaign.slug,
          title: localize(campaign.title, locale),
          status: campaign.status,
          statusLabel: statusLabels[campaign.status],
          raised: showWhole(total.raised),
          target: showWhole(target),
          percent: percentOf(total.raised, target),
          startsAt: campaign.starts_at,
          endsAt: campaign.ends_at,
          public: campaign.status !== 'draft',
        };
      }),
    });
  });

  router.get('/staff/campaigns/new', campaigns, (_req, res) => {
    renderCampaignForm(res, { values: blankCampaignValues(ctx.clock.now()) });
  });

  router.post('/staff/campaigns', campaigns, async (req, res) => {
    const result = readCampaignForm(req.body);
    if (!result.ok) return renderCampaignForm(res, { values: result.values, errors: result.errors, status: 422 });
    const saved = await createCampaign(db, result.input, res.locals.staff!.id);
    if (!saved.ok) return renderCampaignForm(res, { values: campaignFormValues(req.body), errors: saved.errors, status: 422 });
    res.redirect(303, `/staff/campaigns/${saved.campaign.slug}?saved=1`);
  });

  router.get('/staff/campaigns/:slug/edit', campaigns, async (req, res) => {
    const campaign = await campaignOr404(db, req.params.slug);
    const presets = await db.selectFrom('campaign_presets').selectAll().where('campaign_id', '=', campaign.id).orderBy('position').execute();
    renderCampaignForm(res, { campaign, values: valuesOfCampaign(campaign, presets) });
  });

  router.post('/staff/campaigns/:slug/edit', campaigns, async (req, res) => {
    const campaign = await campaignOr404(db, req.params.slug);
    const result = readCampaignForm(req.body);
    if (!result.ok) return renderCampaignForm(res, { campaign, values: result.values, errors: result.errors, status: 422 });
    const saved = await updateCampaign(db, campaign.id, result.input, res.locals.staff!.id);
    if (!saved.ok) return renderCampaignForm(res, { campaign, values: campaignFormValues(req.body), errors: saved.errors, status: 422 });
    res.redirect(303, `/staff/campaigns/${saved.campaign.slug}?saved=1`);
  });

  async function renderDashboard(res: Response, campaign: Campaign, extra: { impact?: { values: ImpactFormValues; errors: Record<string, string> }; notice?: string; status?: number } = {}) {
    const now = ctx.clock.now();
    const [dashboard, updates] = await Promise.all([campaignDashboard(db, campaign, now), listImpactUpdates(db, campaign.id, 20)]);
    const progress = await Promise.all(updates.map((update) => impactProgress(db, update.id)));
    const title = localize(campaign.title, locale);

    // The chart spans the campaign's days so far, widened to any day money moved outside them.
    const today = dayOf(now);
    const endDay = campaign.ends_at && dayOf(campaign.ends_at) < today ? dayOf(campaign.ends_at) : today;
    const firstMoved = dashboard.daily[0]?.day;
    const lastMoved = dashboard.daily.at(-1)?.day;
    const from = [dayOf(campaign.starts_at), firstMoved].filter((d): d is string => d !== undefined).sort()[0]!;
    const to = [endDay, lastMoved, from].filter((d): d is string => d !== undefined).sort().at(-1)!;
    const chart = raisedChartSvg({ campaignTitle: title, target: dashboard.target, daily: dashboard.daily, from, to, locale });

    const impactErrors = extra.impact?.errors ?? {};
    res.status(extra.status ?? 200).render('campaigns/staff/dashboard', {
      title,
      notice: extra.notice,
      campaign: {
        slug: campaign.slug,
        title,
        status: campaign.status,
        statusLabel: statusLabels[campaign.status],
        public: campaign.status !== 'draft',
        startsAt: campaign.starts_at,
        endsAt: campaign.ends_at,
      },
      raised: showWhole(dashboard.totals.raised),
      raisedExact: show(dashboard.totals.raised),
      target: showWhole(dashboard.target),
      percent: dashboard.percent,
      barPercent: Math.min(100, dashboard.percent),
      remaining: showWhole(dashboard.remaining),
      raisedByCurrency: dashboard.totals.raisedByCurrency.filter((m) => m.amount !== 0).map(show),
      unconverted: dashboard.totals.unconverted.map(show),
      gifts: dashboard.gifts,
      donors: dashboard.donors,
      newDonors: dashboard.newDonors,
      returningDonors: dashboard.returningDonors,
      monthlyRecurring: dashboard.monthlyRecurring.map((m) => ({ amount: show(m), currency: m.currency, plans: m.plans })),
      averageGift: dashboard.averageGift.map((m) => ({ amount: show(m), currency: m.currency, gifts: m.gifts })),
      topSources: dashboard.topSources.map((s) => ({ source: s.source, gifts: s.gifts, raised: show(s.raised) })),
      daysLeft: dashboard.daysLeft,
      openEnded: dashboard.daysLeft === null,
      ended: dashboard.daysLeft === 0,
      targetReached: dashboard.remaining.amount === 0,
      dailyPaceNeeded: dashboard.dailyPaceNeeded ? show(dashboard.dailyPaceNeeded) : null,
      chart,
      daily: dashboard.daily.map((d) => ({ day: d.day, cumulative: show(d.cumulative) })),
      updates: updates.map((update, index) => ({
        id: update.id,
        title: update.title,
        postedAt: update.created_at,
        figures: update.figures.length,
        photos: update.photos.length,
        progress: progressText(progress[index]),
      })),
      impact: {
        values: extra.impact?.values ?? { impact_title: '', impact_body: '', impact_figures: '', impact_photos: '' },
        errors: impactErrors,
        errorList: Object.entries(impactErrors).map(([field, message]) => ({ field, message })),
      },
    });
  }

  router.get('/staff/campaigns/:slug', campaigns, async (req, res) => {
    const campaign = await campaignOr404(db, req.params.slug);
    let notice: string | undefined;
    if (req.query.saved === '1') notice = 'Campaign saved.';
    const postedId = serialId(req.query.posted);
    if (postedId !== undefined) {
      const posted = await db.selectFrom('impact_updates').select('title').where('id', '=', postedId).where('campaign_id', '=', campaign.id).executeTakeFirst();
      if (posted) {
        notice =
          req.query.queued === '0'
            ? `Posted “${posted.title}”. The job queue did not answer, so the worker will start sending it within about five minutes.`
            : `Posted “${posted.title}”. It is queued for the campaign’s donors; the progress below fills in as it is sent.`;
      }
    }
    await renderDashboard(res, campaign, { notice });
  });

  router.post('/staff/campaigns/:slug/impact-updates', campaigns, async (req, res) => {
    const campaign = await campaignOr404(db, req.params.slug);
    const values: ImpactFormValues = {
      // The title heads the email to donors: one line. The rest are textareas and keep their lines.
      impact_title: oneLine(req.body?.impact_title),
      impact_body: cleanText(req.body?.impact_body),
      impact_figures: cleanText(req.body?.impact_figures),
      impact_photos: cleanText(req.body?.impact_photos),
    };
    const { figures, problem } = readFigures(values.impact_figures);
    if (problem) return renderDashboard(res, campaign, { impact: { values, errors: { impact_figures: problem } }, status: 422 });
    let update;
    try {
      update = await db.transaction().execute(async (trx) => {
        const posted = await postImpactUpdate(trx, {
          campaignSlug: campaign.slug,
          title: values.impact_title,
          bodyMarkdown: values.impact_body,
          figures,
          photos: readPhotos(values.impact_photos),
        });
        await recordAudit(trx, {
          staffId: res.locals.staff!.id,
          action: 'impact_update.posted',
          subjectType: 'impact_update',
          subjectId: posted.id,
          after: { campaign: campaign.slug, title: posted.title, body_markdown: posted.body_markdown, figures: posted.figures, photos: posted.photos },
        });
        return posted;
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [impactFields[field] ?? 'impact_campaign', message]));
      return renderDashboard(res, campaign, { impact: { values, errors }, status: 422 });
    }
    // As `npm run impact` does: the update is stored whatever Redis says; if it does not answer, the
    // worker's resume-impact-updates chore fans it out within minutes.
    let queued = true;
    try {
      await queueImpactFanOut(ctx, update.id);
    } catch (error) {
      queued = false;
      ctx.logger.warn({ err: error, updateId: update.id }, 'impact: the fan-out was not queued; the worker will resume it');
    }
    res.redirect(303, `/staff/campaigns/${campaign.slug}?posted=${update.id}&queued=${queued ? 1 : 0}#impact-updates`);
  });

  return router;
}
