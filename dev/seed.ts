// Demo data shaped like the charities we serve; `npm run seed`, and `npm start` on an empty database.
import { sql } from 'kysely';
import { recordOfflineGift, type OfflineGift } from '../server/finance/offline';
import { recordSpending } from '../server/finance/rounds/spending';
import { recordTransfer } from '../server/finance/rounds/transfers';
import { recordOutcome, type OutcomeEntry } from '../server/missions/rounds/outcomes';
import { roundBalance } from '../server/missions/rounds/statement';
import { publishRoundReport } from '../server/missions/rounds/report';
import { findRoundBySlug } from '../server/missions/rounds/rounds.repository';
import { findRoundReport } from '../server/campaigns/round.repository';
import type { SpendingCategory } from '../server/tables/round-spending.table';
import { countRecipients } from '../server/impact/impact.repository';
import { postImpactUpdate } from '../server/impact/post';
import type { DonorType } from '../server/tables/donors.table';
import type { OfflineMethod } from '../server/tables/ledger-entries.table';
import { runDatabaseCommand } from '../server/database.cli';
import type { Db } from '../server/database';
import type { NewCampaign } from '../server/tables/campaigns.table';
import type { LocalizedText } from '../server/locale';
import { clockFor } from '../server/clock';
import { convertAtRate, money } from '../server/money';
import { dayBounds, dayIn } from '../server/calendar';

// The demo charity is in Hong Kong: its rounds open and close on Hong Kong days, as staff would set them.
const demoTimeZone = 'Asia/Hong_Kong';
const pad = (n: number) => String(n).padStart(2, '0');
/** The first moment of a month in Hong Kong (month 13 is January of the next year). */
const monthStart = (year: number, month: number) => dayBounds(month > 12 ? `${year + 1}-01-01` : `${year}-${pad(month)}-01`, demoTimeZone).start;
/** The last second of a month in Hong Kong, as the staff form stores a last day. */
const monthEnd = (year: number, month: number) => new Date(monthStart(year, month + 1).getTime() - 1000);
/** Today's year and month in Hong Kong. */
function yearMonthOf(today: Date): { year: number; month: number } {
  const [year, month] = dayIn(today, demoTimeZone).split('-').map(Number) as [number, number];
  return { year, month };
}

interface DemoCampaign extends Omit<NewCampaign, 'target_amount' | 'target_currency' | 'cost_unit_amount' | 'mission_id'> {
  /** The demo mission this campaign is a round of. */
  mission?: typeof happySmile.slug;
  target: { amount: number; currency: string };
  costUnit: { amount: number; label: LocalizedText } | null;
  presets: Array<{ currency: string; majorUnits: number; label?: LocalizedText }>;
}

const happySmile = {
  slug: 'happy-smile',
  title: { en: 'Happy Smile', 'zh-CN': '微笑行动', 'zh-HK': '微笑行動' },
  summary: {
    en: 'Volunteer surgical teams travel three times a year to operate, free, on children born with a cleft lip or palate.',
    'zh-CN': '志愿医疗队每年三次出发，为先天唇腭裂儿童免费实施手术。',
    'zh-HK': '義務醫療隊每年三次出發，為天生唇顎裂的兒童免費施行手術。',
  },
  currency: 'CNY',
} as const;

const missionMonths = [5, 7, 11] as const;
const monthNames = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Round {
  slug: string;
  year: number;
  month: number;
  opens: Date;
  closes: Date;
}

/** A round raises money from the end of the previous mission until the end of its own mission month. */
function roundOf(year: number, index: number): Round {
  const month = missionMonths[index]!;
  const previousIndex = (index + missionMonths.length - 1) % missionMonths.length;
  const previousYear = index === 0 ? year - 1 : year;
  return {
    slug: `happy-smile-${year}-${String(month).padStart(2, '0')}`,
    year,
    month,
    opens: monthStart(previousYear, missionMonths[previousIndex]! + 1),
    closes: monthEnd(year, month),
  };
}

/** The round open today and the two before it, newest first: the rounds tile the year, so one is always open. */
export function happySmileRounds(today: Date): Round[] {
  const now = yearMonthOf(today);
  let year = now.year;
  let index = missionMonths.findIndex((month) => now.month <= month);
  if (index === -1) {
    year += 1;
    index = 0;
  }
  const rounds: Round[] = [];
  for (let i = 0; i < 3; i++) {
    rounds.push(roundOf(year, index));
    index -= 1;
    if (index < 0) {
      index = missionMonths.length - 1;
      year -= 1;
    }
  }
  return rounds;
}

/** The round after `round`: it opens the day after `round` closes. */
function roundAfter(round: Round): Round {
  const index = missionMonths.findIndex((month) => month === round.month);
  return index === missionMonths.length - 1 ? roundOf(round.year + 1, 0) : roundOf(round.year, index + 1);
}

/** The round after the one open today: published already, taking no gift until it opens. */
export function upcomingHappySmileRound(today: Date): Round {
  return roundAfter(happySmileRounds(today)[0]!);
}

export interface DemoRound {
  slug: string;
  /** Its English title. */
  title: string;
}

/** The demo's Happy Smile rounds as seeded on `today`, the closed ones newest first: what tests ask for, rather than a date's slug. */
export function demoRounds(today: Date): { open: DemoRound; closed: DemoRound[]; upcoming: DemoRound } {
  const demoRound = (round: Round) => ({ slug: round.slug, title: roundTitle(round).en! });
  const [open, ...closed] = happySmileRounds(today).map(demoRound);
  return { open: open!, closed, upcoming: demoRound(upcomingHappySmileRound(today)) };
}

function roundTitle(round: Round): LocalizedText {
  return {
    en: `Happy Smile: ${monthNames[round.month]} ${round.year} mission`,
    'zh-CN': `微笑行动：${round.year}年${round.month}月医疗队`,
    'zh-HK': `微笑行動：${round.year}年${round.month}月醫療隊`,
  };
}

const surgeryCost = { amount: money(5_000, 'CNY').amount, label: { en: 'one cleft-lip surgery', 'zh-CN': '一例唇腭裂手术', 'zh-HK': '一次唇顎裂手術' } };
const medicineLabel = { en: 'medicine for one patient', 'zh-CN': '一位患儿的术后药品', 'zh-HK': '一位病童的術後藥物' };
const travelLabel = { en: 'one family\'s travel to the hospital', 'zh-CN': '一个家庭往返医院的路费', 'zh-HK': '一個家庭往返醫院的交通費' };

function happySmileCampaign(round: Round, today: Date): DemoCampaign {
  // Live from before it opens (staff publish a round ahead: its page says when it opens) until it closes.
  const live = today <= round.closes;
  const monthZh = `${round.year}年${round.month}月`;
  return {
    mission: happySmile.slug,
    slug: round.slug,
    title: roundTitle(round),
    summary: {
      en: 'Free cleft lip and palate surgery for children in rural China, by volunteer surgical teams.',
      'zh-CN': '志愿医疗队为中国偏远地区的唇腭裂儿童免费实施手术。',
      'zh-HK': '由義務醫療隊為中國偏遠地區的唇顎裂兒童免費施行手術。',
    },
    story: {
      en:
        `In ${monthNames[round.month]} our volunteer surgeons, anaesthetists and nurses travel to partner hospitals to operate on children born with a cleft lip or palate. ` +
        'Every operation is free to the family: your gift pays for the surgery, the hospital stay and the follow-up visit.\n\n' +
        'A cleft can be repaired in about an hour. It changes how a child eats, speaks and smiles for the rest of their life.',
      'zh-CN':
        `${monthZh}，我们的志愿外科医生、麻醉师和护士将前往合作医院，为先天唇腭裂儿童实施手术。` +
        '手术对家庭完全免费：您的捐款将用于手术费、住院费和术后复诊。\n\n一台唇裂修复手术大约只需一小时，却能改变孩子一生的进食、说话和微笑。',
      'zh-HK':
        `${monthZh}，我們的義務外科醫生、麻醉科醫生和護士會前往合作醫院，為天生唇顎裂的兒童施行手術。` +
        '手術對家庭完全免費：你的捐款會用於手術費、住院費和術後覆診。\n\n一次唇裂修補手術大約只需一小時，卻能改變孩子一生的進食、說話和笑容。',
    },
    status: live ? 'live' : 'closed',
    closed_at: live ? null : round.closes,
    target: money(800_000, 'CNY'),
    accepted_currencies: ['CNY', 'HKD', 'USD'],
    starts_at: round.opens,
    ends_at: round.closes,
    costUnit: surgeryCost,
    // Drawn for the demo, CC0: views/assets/covers/LICENSE.md.
    cover_image_url: '/assets/covers/happy-smile.png',
    presets: [
      { currency: 'CNY', majorUnits: 200, label: medicineLabel },
      { currency: 'CNY', majorUnits: 1_000, label: travelLabel },
      { currency: 'CNY', majorUnits: 5_000, label: surgeryCost.label },
      { currency: 'HKD', majorUnits: 200, label: medicineLabel },
      { currency: 'HKD', majorUnits: 1_100, label: travelLabel },
      { currency: 'HKD', majorUnits: 5_500, label: surgeryCost.label },
      { currency: 'USD', majorUnits: 30, label: medicineLabel },
      { currency: 'USD', majorUnits: 140, label: travelLabel },
      { currency: 'USD', majorUnits: 700, label: surgeryCost.label },
    ],
  };
}

function yearBounds(today: Date) {
  const { year } = yearMonthOf(today);
  return { opens: monthStart(year, 1), closes: monthEnd(year, 12) };
}

function speechTherapyFund(today: Date): DemoCampaign {
  const { opens } = yearBounds(today);
  const sessionLabel = { en: 'one speech-therapy session', 'zh-CN': '一节言语治疗课', 'zh-HK': '一節言語治療' };
  return {
    slug: 'speech-therapy-fund',
    title: { en: 'Speech therapy fund', 'zh-CN': '言语治疗基金', 'zh-HK': '言語治療基金' },
    summary: {
      en: 'After surgery, speech therapy helps children find their voice.',
      'zh-CN': '手术之后，言语治疗帮助孩子们清楚地说话。',
      'zh-HK': '手術之後，言語治療幫助孩子清楚說話。',
    },
    story: {
      en: 'Many children need a year or more of speech therapy after a palate repair. Our therapists in Hong Kong and Guangdong run weekly sessions and train parents to practise at home.',
      'zh-CN': '许多孩子在腭裂修复后需要一年或更长时间的言语治疗。我们在香港和广东的治疗师每周开课，并指导家长在家练习。',
      'zh-HK': '不少孩子在顎裂修補手術後，需要一年或更長時間的言語治療。我們在香港和廣東的治療師每星期開班，並教導家長在家練習。',
    },
    status: 'live',
    target: money(300_000, 'HKD'),
    accepted_currencies: ['HKD', 'CNY', 'USD'],
    starts_at: opens,
    ends_at: null,
    costUnit: { amount: money(800, 'HKD').amount, label: sessionLabel },
    // Drawn for the demo, CC0: views/assets/covers/LICENSE.md.
    cover_image_url: '/assets/covers/speech-therapy.png',
    presets: [
      { currency: 'HKD', majorUnits: 100 },
      { currency: 'HKD', majorUnits: 800, label: sessionLabel },
      { currency: 'HKD', majorUnits: 3_200, label: { en: 'a month of weekly sessions', 'zh-CN': '一个月的每周课程', 'zh-HK': '一個月每星期一節的治療' } },
      { currency: 'CNY', majorUnits: 100 },
      { currency: 'CNY', majorUnits: 750, label: sessionLabel },
      { currency: 'USD', majorUnits: 100, label: sessionLabel },
    ],
  };
}

function generalFund(today: Date): DemoCampaign {
  const { opens } = yearBounds(today);
  return {
    slug: 'general',
    title: { en: 'General fund', 'zh-CN': '综合基金', 'zh-HK': '綜合基金' },
    summary: {
      en: 'Where the need is greatest: missions, training and family support.',
      'zh-CN': '用于最需要的地方：医疗行动、培训和家庭支援。',
      'zh-HK': '用於最需要的地方：醫療行動、培訓及家庭支援。',
    },
    story: {
      en: 'Gifts to the general fund let us respond where the need is greatest: training local surgical teams, supporting families through recovery, and preparing the next mission.',
      'zh-CN': '综合基金让我们能够在最需要的地方作出回应：培训当地手术团队、支持家庭康复，以及筹备下一次医疗行动。',
      'zh-HK': '綜合基金讓我們可以在最需要的地方作出回應：培訓當地手術團隊、在康復路上支援家庭，以及籌備下一次醫療行動。',
    },
    status: 'live',
    target: money(50_000, 'USD'),
    accepted_currencies: ['USD', 'HKD', 'CNY'],
    starts_at: opens,
    // The general fund stays open: monthly gifts from rounds that close move to it.
    ends_at: null,
    costUnit: null,
    // Drawn for the demo, CC0: views/assets/covers/LICENSE.md.
    cover_image_url: '/assets/covers/general-fund.png',
    presets: [
      { currency: 'USD', majorUnits: 25 },
      { currency: 'USD', majorUnits: 50 },
      { currency: 'USD', majorUnits: 100 },
      { currency: 'HKD', majorUnits: 200 },
      { currency: 'HKD', majorUnits: 500 },
      { currency: 'CNY', majorUnits: 200 },
      { currency: 'CNY', majorUnits: 500 },
    ],
  };
}

export function demoCampaigns(today: Date): DemoCampaign[] {
  const rounds = [upcomingHappySmileRound(today), ...happySmileRounds(today)];
  return [...rounds.map((round) => happySmileCampaign(round, today)), speechTherapyFund(today), generalFund(today)];
}

interface DemoGift {
  /** Part of the gift's reference, which is how seeding again finds it already recorded. */
  key: string;
  donorType: DonorType;
  donorName: string;
  majorUnits: number;
  currency: string;
  method: OfflineMethod;
  /** Receipt language. */
  locale: string;
  showName: boolean;
  /** How far into the round the money arrived, as a share of its days. */
  into: number;
  /** The rate at which the bank credited it to the charity's Hong Kong dollar account; none when it arrived as given. */
  creditedInHkdAt?: string;
}

/** What each closed round raised in the demo: gifts finance recorded by hand, from people, a company and a chamber of commerce. */
const demoGifts: DemoGift[] = [
  { key: 'CHAN', donorType: 'person', donorName: 'Chan Tai Man', majorUnits: 5_000, currency: 'CNY', method: 'bank_transfer', locale: 'zh-CN', showName: true, into: 0.1, creditedInHkdAt: '1.085' },
  { key: 'LEE', donorType: 'person', donorName: 'Lee Ka Yan', majorUnits: 1_100, currency: 'HKD', method: 'cheque', locale: 'zh-HK', showName: true, into: 0.25 },
  { key: 'CHAMBER', donorType: 'chamber_of_commerce', donorName: 'Guangdong Chamber of Commerce in Hong Kong', majorUnits: 120_000, currency: 'CNY', method: 'bank_transfer', locale: 'zh-HK', showName: true, into: 0.4, creditedInHkdAt: '1.0862' },
  { key: 'HARBOUR', donorType: 'enterprise', donorName: 'Harbour Light Trading Ltd.', majorUnits: 55_000, currency: 'HKD', method: 'cheque', locale: 'en', showName: true, into: 0.6 },
  { key: 'WONG', donorType: 'person', donorName: 'Sarah Wong', majorUnits: 700, currency: 'USD', method: 'bank_transfer', locale: 'en', showName: true, into: 0.75, creditedInHkdAt: '7.8' },
  { key: 'HO', donorType: 'person', donorName: 'Ho Wing Sze', majorUnits: 1_000, currency: 'CNY', method: 'cash', locale: 'zh-HK', showName: false, into: 0.9 },
];

const demoBookkeeper = { email: 'demo-bookkeeper@localhost.test', name: 'Demo bookkeeper (seeded gifts)' };

/**
 * Whom the demo's offline gifts are recorded by, as every offline gift names a colleague: an account that
 * cannot sign in (disabled, no password), so it opens nothing, and dev/start.ts still invites an administrator.
 */
async function demoBookkeeperId(db: Db): Promise<number> {
  const existing = await db.selectFrom('staff_members').select('id').where(sql<string>`lower(email)`, '=', demoBookkeeper.email).executeTakeFirst();
  if (existing) return existing.id;
  const created = await db.insertInto('staff_members').values({ ...demoBookkeeper, roles: ['finance'], disabled_at: sql`now()` }).returning('id').executeTakeFirstOrThrow();
  return created.id;
}

/** The reference a demo gift carries in the ledger, as finance would note a cheque number or a transfer. */
const demoReference = (round: Round, gift: DemoGift) => `DEMO-${round.slug.toUpperCase()}-${gift.key}`;

/**
 * Records each demo gift to a closed round through the offline-gift path (donation, ledger row, receipt),
 * unless it is there already; `scale` tells one round's giving from another's.
 */
async function seedRoundGifts(db: Db, round: Round, scale: number, staffId: number): Promise<void> {
  const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', round.slug).executeTakeFirstOrThrow();
  for (const gift of demoGifts) {
    const reference = demoReference(round, gift);
    const recorded = await db.selectFrom('ledger_entries').select('id').where('campaign_id', '=', campaign.id).where('source', '=', 'offline').where('reference', '=', reference).executeTakeFirst();
    if (recorded) continue;
    const receivedAt = new Date(round.opens.getTime() + Math.floor(gift.into * (round.closes.getTime() - round.opens.getTime())));
    const given = money(Math.round(gift.majorUnits * scale), gift.currency);
    const offline: OfflineGift = {
      donorType: gift.donorType,
      donorName: gift.donorName,
      contactName: null,
      businessRegistration: null,
      // No address: a demo gift owes its receipt, but it is never emailed to anyone.
      donorEmail: null,
      ...given,
      credited: gift.creditedInHkdAt ? convertAtRate(given, 'HKD', gift.creditedInHkdAt) : null,
      method: gift.method,
      reference,
      receivedOn: dayIn(receivedAt, demoTimeZone),
      campaignId: campaign.id,
      locale: gift.locale,
      showName: gift.showName,
    };
    await recordOfflineGift(db, offline, staffId, demoTimeZone);
  }
}

/** A closed round's report, in the three languages. */
function roundReport(round: Round, children: number) {
  const month = monthNames[round.month];
  const zhMonth = `${round.year}年${round.month}月`;
  return {
    campaignSlug: round.slug,
    title: {
      en: `The ${month} ${round.year} mission: ${children} children operated`,
      'zh-CN': `${zhMonth}医疗队：${children}名儿童接受了手术`,
      'zh-HK': `${zhMonth}醫療隊：${children}名兒童接受了手術`,
    },
    bodyMarkdown: {
      en: `Our volunteer teams operated on **${children} children** at two partner hospitals. Every family went home with a follow-up appointment.

Thank you: your gifts paid for the surgery, the hospital stays and the families' travel.`,
      'zh-CN': `我们的志愿医疗队在两家合作医院为 **${children} 名儿童** 实施了手术，每个家庭出院时都预约了复诊。

谢谢您：您的捐款支付了手术费、住院费和家庭的路费。`,
      'zh-HK': `我們的義務醫療隊在兩間合作醫院為 **${children} 名兒童** 施行了手術，每個家庭出院時都預約了覆診。

謝謝你：你的捐款支付了手術費、住院費和家庭的交通費。`,
    },
    figures: [
      { label: { en: 'Children operated', 'zh-CN': '接受手术的儿童', 'zh-HK': '接受手術的兒童' }, value: children },
      { label: { en: 'Partner hospitals', 'zh-CN': '合作医院', 'zh-HK': '合作醫院' }, value: 2 },
    ],
  };
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * A closed round reports once: posted through the impact path, dated three weeks after the round closed
 * (or yesterday, for one that closed since). Its gifts name no donor, so the fan-out would find no one
 * to write to: the update is counted as sent to whoever had an account and gave by then, and complete when that is no one.
 */
async function seedRoundReport(db: Db, round: Round, children: number, today: Date): Promise<void> {
  const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', round.slug).executeTakeFirstOrThrow();
  if (await db.selectFrom('impact_updates').select('id').where('campaign_id', '=', campaign.id).executeTakeFirst()) return;
  const update = await postImpactUpdate(db, roundReport(round, children));
  const postedAt = new Date(Math.min(round.closes.getTime() + 21 * dayMs, today.getTime() - dayMs));
  await db.updateTable('impact_updates').set({ created_at: postedAt }).where('id', '=', update.id).execute();
  const recipients = await countRecipients(db, update);
  if (recipients === 0) await db.updateTable('impact_updates').set({ total_recipients: 0, completed_at: postedAt }).where('id', '=', update.id).execute();
}

/** What each closed round spent, in major units at its full size, paid this many days before the round closed. */
const demoSpending: Array<{ category: SpendingCategory; majorUnits: number; currency: string; daysBeforeClose: number; note: string }> = [
  { category: 'surgeries', majorUnits: 76_000, currency: 'CNY', daysBeforeClose: 10, note: 'Surgeons’ and anaesthetists’ fees and theatre time at two partner hospitals' },
  { category: 'hospital_stays', majorUnits: 22_800, currency: 'CNY', daysBeforeClose: 8, note: 'Three nights in hospital for each child and one parent' },
  { category: 'travel', majorUnits: 18_500, currency: 'HKD', daysBeforeClose: 14, note: 'The volunteer team’s trains and flights from Hong Kong, and families’ bus fares' },
  { category: 'medicine', majorUnits: 9_600, currency: 'CNY', daysBeforeClose: 9, note: 'Antibiotics and pain relief after surgery' },
  { category: 'training', majorUnits: 12_000, currency: 'HKD', daysBeforeClose: 12, note: 'Two days of post-operative care training for local nurses' },
  { category: 'other', majorUnits: 450, currency: 'USD', daysBeforeClose: 20, note: 'Suture kits from an overseas supplier' },
];

/** Children operated by procedure, whose sum is the round's report, and speech-therapy sessions given. */
function demoOutcomes(children: number): OutcomeEntry[] {
  const other = Math.round(children * 0.05);
  const palate = Math.round(children * 0.4);
  return [
    { kind: 'cleft_lip_repair', label: null, count: children - palate - other, note: '' },
    { kind: 'cleft_palate_repair', label: null, count: palate, note: '' },
    { kind: 'other_operation', label: 'Alveolar bone graft', count: other, note: '' },
    { kind: 'speech_therapy_session', label: null, count: children * 2, note: 'Two sessions for each child before going home' },
  ];
}

/**
 * A closed round's spending and outcomes, recorded as finance and its campaign manager would; a round that
 * has any spending (or any outcome) already is left as it is.
 */
async function seedRoundResults(db: Db, round: Round, scale: number, children: number, staffId: number, today: Date): Promise<void> {
  const campaign = await db.selectFrom('campaigns').select(['id', 'slug']).where('slug', '=', round.slug).executeTakeFirstOrThrow();
  if (!(await db.selectFrom('round_spending').select('id').where('campaign_id', '=', campaign.id).executeTakeFirst())) {
    for (const spent of demoSpending) {
      await recordSpending(
        db,
        campaign,
        {
          category: spent.category,
          ...money(Math.round(spent.majorUnits * scale), spent.currency),
          spentOn: dayIn(new Date(round.closes.getTime() - spent.daysBeforeClose * dayMs), demoTimeZone),
          note: spent.note,
          attachment: null,
        },
        staffId,
        today,
      );
    }
  }
  if (!(await db.selectFrom('round_outcomes').select('id').where('campaign_id', '=', campaign.id).executeTakeFirst())) {
    for (const outcome of demoOutcomes(children)) await recordOutcome(db, campaign, outcome, staffId, today);
  }
}

/** A closed round's report to its donors, published as its campaign manager would once its outcomes are in: on the day its impact update was posted. */
async function seedRoundShares(db: Db, round: Round, staffId: number, today: Date): Promise<void> {
  const found = await findRoundBySlug(db, round.slug);
  if (!found || (await findRoundReport(db, found.id))) return;
  // Three weeks after it closed, or today for a round that closed since: never before it closed.
  const publishedAt = new Date(Math.min(round.closes.getTime() + 21 * dayMs, today.getTime()));
  const published = await publishRoundReport(db, found, staffId, publishedAt, 'en');
  if (!published.ok) throw new Error(`seed: the demo round ${round.slug} could not report: ${published.message}`);
}

/** The last closed round's yuan left over, carried to the round open today: once, whatever is left when first seeded. */
async function seedCarriedBalance(db: Db, closed: Round, open: Round, staffId: number, today: Date): Promise<void> {
  const [from, to] = await Promise.all([closed, open].map((round) => db.selectFrom('campaigns').select(['id', 'slug']).where('slug', '=', round.slug).executeTakeFirstOrThrow()));
  if (await db.selectFrom('fund_transfers').select('id').where('from_campaign_id', '=', from!.id).executeTakeFirst()) return;
  const left = await roundBalance(db, from!.id, 'CNY');
  if (left <= 0) return;
  await recordTransfer(db, from!, { to: to!, amount: left, currency: 'CNY', note: 'What the round did not spend, carried to the next round of the mission' }, staffId, today, 'en');
}

/** The closed rounds' money, reports, spending and outcomes; each found already is left as it is. */
async function seedClosedRounds(db: Db, today: Date): Promise<void> {
  const [open, ...closed] = happySmileRounds(today);
  const staffId = await demoBookkeeperId(db);
  for (const [index, round] of closed.entries()) {
    const scale = [1, 0.8][index] ?? 0.5;
    const children = [152, 131][index] ?? 120;
    await seedRoundGifts(db, round, scale, staffId);
    await seedRoundReport(db, round, children, today);
    await seedRoundResults(db, round, scale, children, staffId, today);
    await seedRoundShares(db, round, staffId, today);
  }
  if (closed[0]) await seedCarriedBalance(db, closed[0], open!, staffId, today);
}

export interface SeedOptions {
  /**
   * The closed rounds' gifts and reports (the default). Tests of the whole path of a gift leave them out:
   * their receipts would take the year's first numbers.
   */
  closedRoundMoney?: boolean;
}

/** Inserts or refreshes the demo campaigns by slug, and gives the closed rounds their money and reports; safe to run again. */
export async function seedDemoData(db: Db, today: Date, options: SeedOptions = {}): Promise<string[]> {
  const campaigns = demoCampaigns(today);
  await db.transaction().execute(async (trx) => {
    const mission = await trx
      .insertInto('missions')
      .values(happySmile)
      .onConflict((oc) => oc.column('slug').doUpdateSet(happySmile))
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const { target, costUnit, presets, mission: missionSlug, ...campaign } of campaigns) {
      const row = {
        ...campaign,
        mission_id: missionSlug ? mission.id : null,
        target_amount: target.amount,
        target_currency: target.currency,
        cost_unit_amount: costUnit?.amount ?? null,
        cost_unit_label: costUnit?.label ?? null,
      };
      const { id } = await trx
        .insertInto('campaigns')
        .values(row)
        .onConflict((oc) => oc.column('slug').doUpdateSet({ ...row, updated_at: sql`now()` }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('campaign_presets').where('campaign_id', '=', id).execute();
      await trx
        .insertInto('campaign_presets')
        .values(
          presets.map((preset, position) => ({
            campaign_id: id,
            currency: preset.currency,
            amount: money(preset.majorUnits, preset.currency).amount,
            label: preset.label ?? null,
            position,
          })),
        )
        .execute();
    }
  });
  if (options.closedRoundMoney !== false) await seedClosedRounds(db, today);
  return campaigns.map((c) => c.slug);
}

if (require.main === module) {
  void runDatabaseCommand(async (db, config) => `seed: ${(await seedDemoData(db, clockFor(config.clockStart).now())).join(', ')}`);
}
