// The finance part of the staff area: its landing page, the gifts ledger and each gift, refunds,
// offline gifts and their corrections, and the CSV exports. Payouts and reconciliation live beside it.
import { Router, type Response } from 'express';
import type { Campaign } from '../campaigns/campaign.table';
import type { AppContext } from '../context';
import { dayIn } from '../calendar';
import { NotFound } from '../http/errors';
import { defaultLocale, localize } from '../locale';
import { formatMoney, toMajorUnits } from '../money';
import { requireArea } from '../staff/access';
import { exportDonors, exportGifts } from './exports';
import { filterQuery, giftDetail, giftStatuses, listGifts, methodLabels, pageSize, parseGiftFilters, paymentMethods, totalsByCurrency, type GiftDetail } from './gifts';
import { correctOfflineGift, currentOfflineEntry, donorTypes, offlineFormFrom, offlineMethods, readOfflineGift, receiptLocales, recordOfflineGift, type OfflineGiftForm } from './offline';
import { isStripeGift, nextRefundAttempt, refundableAmount, requestRefund } from './refunds';
import { cleanText, oneLine } from '../http/text';

const finance = requireArea('finance');
const statusLabel = (status: string) => status.replace(/_/g, ' ');
const donorTypeLabel = (type: string) => donorTypes.find((t) => t.value === type)?.label ?? type;

async function campaignChoices(ctx: AppContext, selected?: string) {
  const campaigns: Array<Pick<Campaign, 'slug' | 'title' | 'accepted_currencies' | 'target_currency'>> = await ctx.db
    .selectFrom('campaigns')
    .select(['slug', 'title', 'accepted_currencies', 'target_currency'])
    .orderBy('slug')
    .execute();
  return {
    campaigns: campaigns.map((c) => ({ value: c.slug, label: `${localize(c.title, defaultLocale)} (${c.slug})`, selected: c.slug === selected })),
    currencies: [...new Set(campaigns.flatMap((c) => [c.target_currency, ...c.accepted_currencies]))].sort(),
  };
}

function homeView() {
  return {
    title: 'Finance',
    links: [
      { href: '/staff/finance/gifts', label: 'Gifts', description: 'Every gift with its Stripe ids, filters and totals per currency; refunds' },
      { href: '/staff/finance/offline-gifts', label: 'Offline gifts', description: 'Record cheques, bank transfers and cash; correct a mistake' },
      { href: '/staff/finance/payouts', label: 'Payouts', description: 'What Stripe paid into the bank, and which gifts it carried' },
      { href: '/staff/finance/reconciliation', label: 'Reconciliation', description: 'The ledger checked against Stripe’s balance' },
    ],
    exports: [
      { href: '/staff/finance/exports/gifts.csv', label: 'Gifts (CSV)', description: 'Every gift; filter the gifts list first to export only what it shows' },
      { href: '/staff/finance/exports/donors.csv', label: 'Donors (CSV)', description: 'Every donor, with what they gave per currency' },
    ],
  };
}

const choices = <T extends { value: string; label: string }>(list: T[], selected: string | undefined) => list.map((item) => ({ ...item, selected: item.value === selected }));

export function financeRoutes(ctx: AppContext): Router {
  const { db, config, exportConnections: exports } = ctx;
  const timeZone = config.organisation.timeZone;
  const router = Router();

  router.get('/staff/finance', finance, (_req, res) => res.render('finance/home', homeView()));

  router.get('/staff/finance/gifts', finance, async (req, res) => {
    const parsed = parseGiftFilters(req.query as Record<string, unknown>);
    const { filters, page } = parsed;
    const [{ rows, count }, totals, { campaigns, currencies }] = await Promise.all([
      listGifts(db, filters, timeZone, page),
      totalsByCurrency(db, filters, timeZone),
      campaignChoices(ctx, filters.campaign),
    ]);
    const pages = Math.max(1, Math.ceil(count / pageSize));
    res.status(parsed.ok ? 200 : 422).render('finance/gifts', {
      title: 'Gifts',
      problems: parsed.ok ? undefined : parsed.problems,
      filters,
      campaigns,
      currencies: currencies.map((c) => ({ value: c, label: c, selected: c === filters.currency })),
      statuses: giftStatuses.map((s) => ({ value: s, label: statusLabel(s), selected: s === filters.status })),
      methods: paymentMethods.map((m) => ({ value: m, label: methodLabels[m], selected: m === filters.method })),
      count,
      page,
      pages,
      previous: page > 1 ? filterQuery(filters, { page: page - 1 }) : undefined,
      next: page < pages ? filterQuery(filters, { page: page + 1 }) : undefined,
      exportQuery: filterQuery(filters),
      totals,
      gifts: rows.map((r) => ({
        ...r,
        date: r.succeeded_at ?? r.created_at,
        donor: r.donor_name ?? r.donor_record_name ?? '',
        status: statusLabel(r.status),
        method: r.payment_method ? (methodLabels[r.payment_method] ?? r.payment_method) : '',
      })),
    });
  });

  async function renderGift(res: Response, gift: GiftDetail, extra: Record<string, unknown> = {}, status = 200) {
    const { donation, ledger, receipt, refunds } = gift;
    const stripeGift = isStripeGift(donation);
    const refundable = stripeGift && ['succeeded', 'partially_refunded'].includes(donation.status);
    const left = refundable ? await refundableAmount(db, donation) : undefined;
    const { attempt, unanswered } = await nextRefundAttempt(db, donation.id);
    const offline = donation.origin === 'offline' ? await currentOfflineEntry(db, donation.id) : undefined;
    const correction = (extra.correction as OfflineGiftForm | undefined) ??
      (offline
        ? {
            donor_type: donation.donor_type,
            donor_name: donation.donor_name ?? '',
            donor_email: donation.donor_email ?? '',
            amount: toMajorUnits(offline),
            currency: offline.currency,
            method: offline.method ?? '',
            reference: offline.reference ?? '',
            received_on: offline.occurred_at.toISOString().slice(0, 10),
            campaign: donation.campaign_slug,
            locale: donation.locale,
            show_name: donation.anonymous ? '' : 'yes',
            reason: '',
          }
        : undefined);
    const { campaigns, currencies } = await campaignChoices(ctx, correction?.campaign);
    res.status(status).render('finance/gift', {
      title: `Gift ${donation.id.slice(0, 8)}`,
      donation: {
        ...donation,
        status: statusLabel(donation.status),
        method: donation.payment_method ? (methodLabels[donation.payment_method] ?? donation.payment_method) : '',
        campaign: localize(donation.campaign_title, defaultLocale),
        donorName: donation.donor_name ?? donation.donor_record_name ?? '',
        donorType: donorTypeLabel(donation.donor_record_type ?? donation.donor_type),
      },
      receipt,
      ledger: ledger.map((e) => ({ ...e, method: e.method ? methodLabels[e.method] : '' })),
      refunds: refunds.map((r) => ({ ...r, status: statusLabel(r.status) })),
      refund: refundable
        ? {
            attempt,
            left: left!,
            leftText: formatMoney(left!, 'en'),
            amount: (extra.refundForm as { amount?: string } | undefined)?.amount ?? (unanswered ? toMajorUnits(unanswered) : left!.amount > 0 ? toMajorUnits(left!) : ''),
            reason: (extra.refundForm as { reason?: string } | undefined)?.reason ?? unanswered?.reason ?? '',
            unanswered,
          }
        : undefined,
      correction: offline && correction
        ? {
            form: correction,
            campaigns,
            currencies: currencies.map((c) => ({ value: c, label: c, selected: c === correction.currency })),
            donorTypes: choices(donorTypes, correction.donor_type),
            methods: choices(offlineMethods, correction.method),
            locales: choices(receiptLocales, correction.locale),
          }
        : undefined,
      ...extra,
    });
  }

  const loadGift = async (id: string) => {
    const gift = await giftDetail(db, id);
    if (!gift) throw new NotFound('There is no such gift.');
    return gift;
  };

  router.get('/staff/finance/gifts/:id', finance, async (req, res) => {
    const notice =
      req.query.refund === 'requested'
        ? 'Stripe accepted the refund. The ledger will show it as soon as Stripe confirms it.'
        : req.query.refund === 'repeated'
          ? 'This refund had already been sent; it was not sent twice.'
          : req.query.corrected === '1'
            ? 'The gift is corrected: the old row is reversed and the corrected one recorded. A corrected receipt is on its way to the donor.'
            : req.query.recorded === '1'
              ? 'The offline gift is recorded and its receipt is on its way.'
              : undefined;
    await renderGift(res, await loadGift(String(req.params.id)), { notice });
  });

  router.post('/staff/finance/gifts/:id/refunds', finance, async (req, res) => {
    const gift = await loadGift(String(req.params.id));
    // The reason comes from a textarea and may keep its lines.
    const form = { amount: oneLine(req.body.amount), reason: cleanText(req.body.reason), attempt: oneLine(req.body.attempt) };
    const outcome = await requestRefund(db, ctx.stripe, gift.donation.id, form, res.locals.staff!.id);
    if (outcome.kind === 'accepted') return res.redirect(303, `/staff/finance/gifts/${gift.donation.id}?refund=${outcome.repeated ? 'repeated' : 'requested'}`);
    const fresh = await loadGift(String(req.params.id));
    if (outcome.kind === 'invalid') return renderGift(res, fresh, { refundErrors: outcome.errors, refundForm: form }, 422);
    return renderGift(res, fresh, { refundError: outcome.message, refundForm: form }, 409);
  });

  router.post('/staff/finance/gifts/:id/correction', finance, async (req, res) => {
    const gift = await loadGift(String(req.params.id));
    const form = offlineFormFrom(req.body);
    const read = await readOfflineGift(db, form, dayIn(ctx.clock.now(), timeZone));
    if ('errors' in read) return renderGift(res, gift, { correction: form, correctionErrors: read.errors }, 422);
    const outcome = await correctOfflineGift(db, gift.donation.id, read.gift, form.reason, res.locals.staff!.id, ctx.clock.now());
    if (outcome.kind === 'invalid') return renderGift(res, await loadGift(String(req.params.id)), { correction: form, correctionErrors: outcome.errors }, 422);
    res.redirect(303, `/staff/finance/gifts/${gift.donation.id}?corrected=1`);
  });

  async function renderOffline(res: Response, form: Partial<OfflineGiftForm>, extra: Record<string, unknown> = {}, status = 200) {
    const [{ campaigns, currencies }, recent] = await Promise.all([
      campaignChoices(ctx, form.campaign),
      db
        .selectFrom('donations')
        .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
        .select(['donations.id', 'donations.donor_name', 'donations.amount', 'donations.currency', 'donations.payment_method', 'donations.succeeded_at', 'campaigns.slug as campaign'])
        .where('donations.origin', '=', 'offline')
        .orderBy('donations.created_at', 'desc')
        .limit(20)
        .execute(),
    ]);
    res.status(status).render('finance/offline', {
      title: 'Offline gifts',
      form,
      campaigns,
      currencies: currencies.map((c) => ({ value: c, label: c, selected: c === form.currency })),
      donorTypes: choices(donorTypes, form.donor_type ?? 'person'),
      methods: choices(offlineMethods, form.method),
      locales: choices(receiptLocales, form.locale ?? 'en'),
      recent: recent.map((r) => ({ ...r, method: r.payment_method ? methodLabels[r.payment_method] : '' })),
      ...extra,
    });
  }

  router.get('/staff/finance/offline-gifts', finance, (_req, res) => renderOffline(res, { received_on: dayIn(ctx.clock.now(), timeZone) }));

  router.post('/staff/finance/offline-gifts', finance, async (req, res) => {
    const form = offlineFormFrom(req.body);
    const read = await readOfflineGift(db, form, dayIn(ctx.clock.now(), timeZone));
    if ('errors' in read) return renderOffline(res, form, { errors: read.errors, errorList: Object.values(read.errors) }, 422);
    const donation = await recordOfflineGift(db, read.gift, res.locals.staff!.id, timeZone);
    res.redirect(303, `/staff/finance/gifts/${donation.id}?recorded=1`);
  });

  router.get('/staff/finance/exports/gifts.csv', finance, async (req, res) => {
    const parsed = parseGiftFilters(req.query as Record<string, unknown>);
    if (!parsed.ok) return res.status(422).render('finance/home', { ...homeView(), problems: parsed.problems });
    await exportGifts(db, exports, res, parsed.filters, timeZone, dayIn(ctx.clock.now(), timeZone));
  });

  router.get('/staff/finance/exports/donors.csv', finance, (_req, res) => exportDonors(db, exports, res, dayIn(ctx.clock.now(), timeZone)));

  return router;
}
