// The finance part of the staff area: its landing page, the gifts ledger and each gift, refunds,
// offline gifts and their corrections, and the CSV exports. Payouts and reconciliation live beside it.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context';
import { dayIn } from '../calendar';
import { NotFound } from '../http/errors';
import { isUuid } from '../http/params';
import { cleanText, oneLine } from '../http/text';
import type { MessageKey } from '../i18n/messages';
import { requireArea } from '../staff/access';
import { exportDonors, exportGifts } from './exports';
import { homeView } from './finance.view';
import { findGiftDetail, listCampaignOptions, listGifts, totalsByCurrency, type GiftDetail } from './gift.repository';
import { giftPageView, giftsPageView, type GiftPageExtra } from './gift.view';
import { parseGiftFilters } from './gifts';
import { correctOfflineGift, offlineFormFrom, readOfflineGift, recordOfflineGift, type OfflineGiftForm } from './offline';
import { findCurrentOfflineEntry, listRecentOfflineGifts } from './offline-gift.repository';
import { offlinePageView, type OfflinePageExtra } from './offline-gift.view';
import { refundStateOf, requestRefund } from './refunds';
import { localeOf, say } from '../http/language';
import { listPartnerReceipts } from './partner-receipts/partner-receipt.repository';

const finance = requireArea('finance');
const today = (ctx: AppContext) => dayIn(ctx.clock.now(), ctx.config.organisation.timeZone);

/** What the gift's page says after a redirect, from the query its address carries. */
function noticeKey(query: Request['query']): MessageKey | undefined {
  if (query.refund === 'requested') return 'finance.notice.refundRequested';
  if (query.refund === 'repeated') return 'finance.notice.refundRepeated';
  if (query.corrected === '1') return 'finance.notice.corrected';
  if (query.recorded === '1') return 'finance.notice.recorded';
  if (query.partnerReceipt === 'recorded') return 'partnerReceipt.notice.recorded';
  if (query.partnerReceipt === 'replaced') return 'partnerReceipt.notice.replaced';
  return undefined;
}

export async function loadGift(ctx: AppContext, res: Response, id: string): Promise<GiftDetail> {
  const gift = isUuid(id) ? await findGiftDetail(ctx.db, id) : undefined;
  if (!gift) throw new NotFound(say(res, 'finance.error.noSuchGift'));
  return gift;
}

export async function renderGift(ctx: AppContext, res: Response, gift: GiftDetail, extra: GiftPageExtra = {}, status = 200): Promise<void> {
  const [refund, offline, campaigns, partnerReceipts] = await Promise.all([
    refundStateOf(ctx.db, gift.donation),
    gift.donation.origin === 'offline' ? findCurrentOfflineEntry(ctx.db, gift.donation.id) : undefined,
    listCampaignOptions(ctx.db),
    listPartnerReceipts(ctx.db, gift.donation.id),
  ]);
  res.status(status).render('finance/gift', giftPageView(localeOf(res), gift, { refund, offline, campaigns, partnerReceipts, config: ctx.config }, extra));
}

async function renderOffline(ctx: AppContext, res: Response, form: Partial<OfflineGiftForm>, extra: OfflinePageExtra = {}, status = 200): Promise<void> {
  const [campaigns, recent] = await Promise.all([listCampaignOptions(ctx.db), listRecentOfflineGifts(ctx.db)]);
  res.status(status).render('finance/offline', offlinePageView(localeOf(res), form, campaigns, recent, extra));
}

const showHome: RequestHandler = (_req, res) => res.render('finance/home', homeView(localeOf(res)));

const showGifts =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const parsed = parseGiftFilters(req.query as Record<string, unknown>, localeOf(res));
    const timeZone = ctx.config.organisation.timeZone;
    const [{ rows, count }, totals, campaigns] = await Promise.all([
      listGifts(ctx.db, parsed.filters, timeZone, parsed.page),
      totalsByCurrency(ctx.db, parsed.filters, timeZone),
      listCampaignOptions(ctx.db),
    ]);
    res.status(parsed.ok ? 200 : 422).render('finance/gifts', giftsPageView(localeOf(res), parsed, { rows, count, totals, campaigns }));
  };

const showGift =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const notice = noticeKey(req.query);
    await renderGift(ctx, res, await loadGift(ctx, res, String(req.params.id)), { notice: notice && say(res, notice) });
  };

const refundGift =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const gift = await loadGift(ctx, res, String(req.params.id));
    // The reason comes from a textarea and may keep its lines.
    const form = { amount: oneLine(req.body.amount), reason: cleanText(req.body.reason), attempt: oneLine(req.body.attempt) };
    const outcome = await requestRefund(ctx.db, ctx.stripe, gift.donation.id, form, res.locals.staff!.id, localeOf(res));
    if (outcome.kind === 'accepted') return res.redirect(303, `/staff/finance/gifts/${gift.donation.id}?refund=${outcome.repeated ? 'repeated' : 'requested'}`);
    const fresh = await loadGift(ctx, res, gift.donation.id);
    if (outcome.kind === 'invalid') return renderGift(ctx, res, fresh, { refundErrors: outcome.errors, refundForm: form }, 422);
    return renderGift(ctx, res, fresh, { refundError: outcome.message, refundForm: form }, 409);
  };

const correctGift =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const locale = localeOf(res);
    const gift = await loadGift(ctx, res, String(req.params.id));
    const form = offlineFormFrom(req.body);
    const read = await readOfflineGift(ctx.db, form, today(ctx), locale, 'correction');
    if ('errors' in read) return renderGift(ctx, res, gift, { correctionForm: form, correctionErrors: read.errors }, 422);
    const outcome = await correctOfflineGift(ctx.db, gift.donation.id, read.gift, form.reason, res.locals.staff!.id, ctx.clock.now(), ctx.config.organisation.timeZone, locale);
    if (outcome.kind === 'invalid') return renderGift(ctx, res, await loadGift(ctx, res, gift.donation.id), { correctionForm: form, correctionErrors: outcome.errors }, 422);
    res.redirect(303, `/staff/finance/gifts/${gift.donation.id}?corrected=1`);
  };

const showOfflineGifts =
  (ctx: AppContext): RequestHandler =>
  (_req, res) =>
    renderOffline(ctx, res, { received_on: today(ctx) });

const recordOffline =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const form = offlineFormFrom(req.body);
    const read = await readOfflineGift(ctx.db, form, today(ctx), localeOf(res));
    if ('errors' in read) return renderOffline(ctx, res, form, { errors: read.errors }, 422);
    const donation = await recordOfflineGift(ctx.db, read.gift, res.locals.staff!.id, ctx.config.organisation.timeZone);
    res.redirect(303, `/staff/finance/gifts/${donation.id}?recorded=1`);
  };

const exportGiftsCsv =
  (ctx: AppContext): RequestHandler =>
  async (req, res) => {
    const parsed = parseGiftFilters(req.query as Record<string, unknown>, localeOf(res));
    if (!parsed.ok) return res.status(422).render('finance/home', { ...homeView(localeOf(res)), problems: parsed.problems });
    await exportGifts(ctx.db, ctx.exportConnections, res, parsed.filters, ctx.config.organisation.timeZone, today(ctx));
  };

const exportDonorsCsv =
  (ctx: AppContext): RequestHandler =>
  (_req, res) =>
    exportDonors(ctx.db, ctx.exportConnections, res, ctx.config.organisation.timeZone, today(ctx));

export function financeRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/staff/finance', finance, showHome);
  router.get('/staff/finance/gifts', finance, showGifts(ctx));
  router.get('/staff/finance/gifts/:id', finance, showGift(ctx));
  router.post('/staff/finance/gifts/:id/refunds', finance, refundGift(ctx));
  router.post('/staff/finance/gifts/:id/correction', finance, correctGift(ctx));
  router.get('/staff/finance/offline-gifts', finance, showOfflineGifts(ctx));
  router.post('/staff/finance/offline-gifts', finance, recordOffline(ctx));
  router.get('/staff/finance/exports/gifts.csv', finance, exportGiftsCsv(ctx));
  router.get('/staff/finance/exports/donors.csv', finance, exportDonorsCsv(ctx));
  return router;
}
