// Every email a donor can receive, written to one donor who gave in English and one who gave in
// Chinese, through the real composers and the real SMTP path: subject, body and amounts in their language.
import type { ParsedMail } from 'mailparser';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import type { DonationFrequency } from '../../server/tables/donations.table';
import type { OutboxTopic } from '../../server/tables/outbox.table';
import { postImpactUpdate } from '../../server/impact/post';
import { sendImpactEmail } from '../../server/impact/send';
import { bringReceiptInLine, issueReceipt } from '../../server/receipts/issue';
import { oweEmail } from '../../server/outbox/outbox.repository';
import { sendOwedEmail } from '../../server/emails';
import { startTestContext, type TestContext } from '../support/context';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { agreeToNews } from '../impact/consent-helpers';

const givenOn = new Date(Date.UTC(2025, 5, 15, 4));

describe('every email in English and in Chinese', () => {
  let t: TestContext;
  let mail: SmtpSink;
  beforeAll(async () => {
    mail = await startSmtpSink();
    t = await startTestContext({ smtpUrl: mail.url });
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(async () => {
    await t.close();
    await mail.close();
  });

  interface GiftInput {
    email: string;
    name: string;
    locale: 'en' | 'zh-CN';
    currency: string;
    amount: number;
    frequency?: DonationFrequency;
    slug?: string;
  }

  /** A donor, a gift paid by card and in the ledger, and its receipt owed: what a paid Checkout leaves behind. */
  async function aPaidGift(input: GiftInput) {
    const { db } = t.ctx;
    const frequency = input.frequency ?? 'once';
    const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', input.slug ?? 'speech-therapy-fund').executeTakeFirstOrThrow();
    const donor = await db.insertInto('donors').values({ email: input.email, name: input.name, locale: input.locale }).returning('id').executeTakeFirstOrThrow();
    const plan =
      frequency === 'once'
        ? undefined
        : await db
            .insertInto('recurring_plans')
            .values({ donor_id: donor.id, campaign_id: campaign.id, amount: input.amount, currency: input.currency, interval: frequency })
            .returning('id')
            .executeTakeFirstOrThrow();
    const donation = await db
      .insertInto('donations')
      .values({
        campaign_id: campaign.id,
        donor_id: donor.id,
        recurring_plan_id: plan?.id ?? null,
        frequency,
        amount: input.amount,
        currency: input.currency,
        status: 'succeeded',
        origin: 'checkout',
        donor_name: input.name,
        locale: input.locale,
        payment_method: 'card',
        succeeded_at: givenOn,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto('ledger_entries')
      .values({
        donation_id: donation.id,
        campaign_id: campaign.id,
        kind: 'gift',
        amount: input.amount,
        currency: input.currency,
        settlement_amount: input.amount,
        settlement_currency: input.currency,
        fee: 0,
        net: input.amount,
        stripe_object_id: `ch_${donation.id.replace(/-/g, '')}`,
        occurred_at: givenOn,
      })
      .execute();
    await db.transaction().execute((trx) => issueReceipt(trx, donation, givenOn, t.ctx.config.organisation.timeZone));
    return { donorId: donor.id, donation };
  }

  /** Owes one email and sends it as the receipts job does; the message the donor received. */
  async function owedAndSent(topic: OutboxTopic, dedupeKey: string, payload: Record<string, string | number | null>, to: string): Promise<ParsedMail> {
    const { db } = t.ctx;
    if (topic !== 'receipt') await oweEmail(db, topic, dedupeKey, payload);
    const row = await db.selectFrom('outbox').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow();
    const before = mail.to(to).length;
    expect(await sendOwedEmail(t.ctx, row.id)).toBe('sent');
    // The sink keeps a message before it answers the SMTP DATA command, so it is here once sendMail returns.
    const message = mail.to(to)[before];
    if (!message) throw new Error(`no message reached ${to}`);
    return message;
  }

  const both = (message: ParsedMail) => `${message.text ?? ''}\n${String(message.html)}`;

  describe('the receipt', () => {
    it('in Chinese: subject, labels, the date and ¥ for yuan', async () => {
      const { donation } = await aPaidGift({ email: 'li.receipt@example.com', name: '李小明', locale: 'zh-CN', currency: 'CNY', amount: 8_800 });
      const message = await owedAndSent('receipt', `receipt-${donation.id}`, {}, 'li.receipt@example.com');
      expect(message.subject).toMatch(/^您的捐款收据 2025-\d{6}：感谢您支持言语治疗基金$/);
      expect(message.headers.get('content-language')).toBe('zh-CN');
      expect(message.text).toContain('亲爱的李小明：衷心感谢您的捐款。');
      expect(message.text).toContain('金额: ¥88.00');
      expect(message.text).toContain('捐款人: 李小明');
      expect(message.text).toContain('日期: 2025年6月15日');
      expect(message.text).toContain('捐款类型: 单次捐款');
      expect(message.text).toContain('支付方式: 银行卡');
      expect(message.text).toContain('项目: 言语治疗基金');
      expect(message.text).toMatch(/可打印收据: http:\/\/\S+\/receipts\//);
      expect(message.html).toContain('<html lang="zh-CN">');
      expect(message.html).toContain('<strong>¥88.00</strong>');
    });

    it('in English: the same receipt with CN¥, and HK$ and US$ for dollars in either language', async () => {
      const { donation } = await aPaidGift({ email: 'ada.receipt@example.com', name: 'Ada Wong', locale: 'en', currency: 'CNY', amount: 8_800 });
      const message = await owedAndSent('receipt', `receipt-${donation.id}`, {}, 'ada.receipt@example.com');
      expect(message.subject).toMatch(/^Your receipt 2025-\d{6}: thank you for your gift to Speech therapy fund$/);
      expect(message.headers.get('content-language')).toBe('en');
      expect(message.text).toContain('Amount: CN¥88.00');
      expect(message.text).toContain('Date: June 15, 2025');
      expect(message.text).toContain('Gift: One-off gift');
      expect(message.html).toContain('<html lang="en">');

      const dollars = [
        { email: 'hk.zh@example.com', locale: 'zh-CN' as const, currency: 'HKD', amount: 25_050, shows: '金额: HK$250.50' },
        { email: 'us.zh@example.com', locale: 'zh-CN' as const, currency: 'USD', amount: 2_500, shows: '金额: US$25.00' },
        { email: 'hk.en@example.com', locale: 'en' as const, currency: 'HKD', amount: 25_050, shows: 'Amount: HK$250.50' },
        { email: 'us.en@example.com', locale: 'en' as const, currency: 'USD', amount: 2_500, shows: 'Amount: US$25.00' },
      ];
      for (const gift of dollars) {
        const { donation: given } = await aPaidGift({ ...gift, name: 'Sam' });
        expect((await owedAndSent('receipt', `receipt-${given.id}`, {}, gift.email)).text).toContain(gift.shows);
      }
    });
  });

  /** Refunds part of a paid gift as the Stripe sync does: its receipt voided and, if something is kept, replaced. */
  async function refunded(donationId: string, kept: { amount: number; currency: string }, at: Date) {
    const change = await t.ctx.db.transaction().execute((trx) => bringReceiptInLine(trx, donationId, kept, at, 'refund', t.ctx.config.organisation.timeZone));
    return change!;
  }

  it('the refund notice, in both languages, citing the receipt it voids and the one that replaces it', async () => {
    const refundedAt = new Date(Date.UTC(2025, 6, 2, 4));
    const zh = await aPaidGift({ email: 'li.refund@example.com', name: '李小明', locale: 'zh-CN', currency: 'CNY', amount: 8_800 });
    const partly = await refunded(zh.donation.id, { amount: 5_800, currency: 'CNY' }, refundedAt);
    const chinese = await owedAndSent('refund_notice', `refund-notice-${partly.voided!.id}`, { receiptId: partly.voided!.id }, 'li.refund@example.com');
    expect(chinese.subject).toBe('您对言语治疗基金的捐款已退款');
    expect(chinese.text).toContain('我们已于2025年7月2日退还您对言语治疗基金的捐款 ¥30.00，款项可能需要5至10天到账。');
    expect(chinese.text).toContain(`收据 ${partly.voided!.number}（¥88.00）现已作废。`);
    expect(chinese.text).toContain(`随附的收据 ${partly.replacement!.number}（¥58.00）取代该收据`);
    expect(chinese.attachments.map((a) => a.filename)).toEqual([`refund-notice-${partly.voided!.number}.pdf`, `receipt-${partly.replacement!.number}.pdf`]);
    expect(chinese.html).toContain('<html lang="zh-CN">');
    expect(chinese.headers.get('content-language')).toBe('zh-CN');

    const en = await aPaidGift({ email: 'ada.refund@example.com', name: 'Ada Wong', locale: 'en', currency: 'HKD', amount: 25_000 });
    const wholly = await refunded(en.donation.id, { amount: 0, currency: 'HKD' }, refundedAt);
    expect(wholly.replacement).toBeNull();
    const english = await owedAndSent('refund_notice', `refund-notice-${wholly.voided!.id}`, { receiptId: wholly.voided!.id }, 'ada.refund@example.com');
    expect(english.subject).toBe('Your gift to Speech therapy fund has been refunded');
    expect(english.text).toContain('We have refunded HK$250.00 of your gift to Speech therapy fund on July 2, 2025.');
    expect(english.text).toContain(`As the whole gift was refunded, no receipt replaces it: please do not use receipt ${wholly.voided!.number} for any tax claim.`);
    expect(english.attachments.map((a) => a.filename)).toEqual([`refund-notice-${wholly.voided!.number}.pdf`]);
    expect(english.html).toContain('<html lang="en">');
  });

  it('the notice that a regular gift could not be taken, in both languages, with the link to update the card', async () => {
    const zh = await aPaidGift({ email: 'li.failed@example.com', name: '李小明', locale: 'zh-CN', currency: 'USD', amount: 2_500, frequency: 'month', slug: 'general' });
    const chinese = await owedAndSent('payment_failed', 'payment-failed-zh', { donationId: zh.donation.id }, 'li.failed@example.com');
    expect(chinese.subject).toBe('请更新您的银行卡：本期定期捐款未能扣款');
    expect(chinese.text).toContain('您对综合基金的定期捐款 US$25.00 未能成功扣款');
    expect(chinese.text).toMatch(/更新银行卡: http:\/\/\S+\/donations\/update-card\//);
    expect(chinese.html).toContain('<html lang="zh-CN">');

    const en = await aPaidGift({ email: 'ada.failed@example.com', name: 'Ada Wong', locale: 'en', currency: 'CNY', amount: 20_000, frequency: 'year', slug: 'general' });
    const english = await owedAndSent('payment_failed', 'payment-failed-en', { donationId: en.donation.id }, 'ada.failed@example.com');
    expect(english.subject).toBe('Please update your card: your regular gift could not be taken');
    expect(english.text).toContain('We could not take your regular gift of CN¥200.00 to General fund.');
    expect(english.text).toMatch(/Update your card: http:\/\/\S+\/donations\/update-card\//);
  });

  it('the annual statement, in both languages, with a total per currency', async () => {
    const zh = await aPaidGift({ email: 'li.statement@example.com', name: '李小明', locale: 'zh-CN', currency: 'CNY', amount: 8_800 });
    const chinese = await owedAndSent('annual_statement', 'statement-zh', { donorId: zh.donorId, year: 2025 }, 'li.statement@example.com');
    expect(chinese.subject).toBe('您的2025年度捐款汇总');
    expect(chinese.text).toContain('亲爱的李小明：感谢您在2025年度的每一笔捐款。');
    expect(chinese.text).toContain('本汇总涵盖2025年1月1日至2025年12月31日。');
    expect(chinese.text).toMatch(/2025-\d{6} {2}2025年6月15日 {2}言语治疗基金 {2}¥88\.00/);
    expect(chinese.text).toContain('CNY合计: ¥88.00');
    expect(chinese.attachments[0]).toMatchObject({ filename: 'statement-2025.pdf', contentType: 'application/pdf' });
    expect(chinese.html).toContain('<html lang="zh-CN">');

    const en = await aPaidGift({ email: 'ada.statement@example.com', name: 'Ada Wong', locale: 'en', currency: 'USD', amount: 5_000 });
    const english = await owedAndSent('annual_statement', 'statement-en', { donorId: en.donorId, year: 2025 }, 'ada.statement@example.com');
    expect(english.subject).toBe('Your giving in 2025: annual statement');
    expect(english.text).toContain('Dear Ada Wong, thank you for everything you gave in 2025.');
    expect(english.text).toMatch(/2025-\d{6} {2}Jun 15, 2025 {2}Speech therapy fund {2}US\$50\.00/);
    expect(english.text).toContain('Total in USD: US$50.00');
  });

  it('the impact update, in both languages, with figures, photos and the unsubscribe link', async () => {
    const { db } = t.ctx;
    const zh = await aPaidGift({ email: 'li.impact@example.com', name: '李小明', locale: 'zh-CN', currency: 'HKD', amount: 10_000 });
    const en = await aPaidGift({ email: 'ada.impact@example.com', name: 'Ada Wong', locale: 'en', currency: 'HKD', amount: 10_000 });
    const update = await postImpactUpdate(db, {
      campaignSlug: 'speech-therapy-fund',
      title: 'A year of speech therapy',
      bodyMarkdown: 'Our therapists held **1,520 sessions** this year.',
      figures: [{ label: 'Sessions', value: 1520 }],
      photos: [{ url: 'https://photos.example.org/class.jpg', alt: null }],
    });
    // Impact updates go only to donors who asked for news (server/impact/consent.ts).
    await agreeToNews(db, [zh.donorId, en.donorId]);
    await db.insertInto('impact_deliveries').values([{ update_id: update.id, donor_id: zh.donorId }, { update_id: update.id, donor_id: en.donorId }]).execute();

    expect(await sendImpactEmail(t.ctx, update.id, zh.donorId)).toBe('sent');
    const [chinese] = mail.to('li.impact@example.com');
    expect(chinese!.subject).toBe('言语治疗基金：A year of speech therapy');
    expect(chinese!.headers.get('content-language')).toBe('zh-CN');
    expect(chinese!.text).toContain('亲爱的李小明：');
    expect(chinese!.text).toContain('感谢您支持言语治疗基金，以下是您的捐款带来的改变。');
    expect(chinese!.text).toContain('Sessions: 1,520');
    expect(chinese!.text).toContain('照片:');
    expect(chinese!.text).toContain('“A year of speech therapy”的第1张照片');
    expect(chinese!.text).toMatch(/在项目页面阅读: http:\/\/\S+\/campaigns\/speech-therapy-fund#update-/);
    expect(chinese!.text).toMatch(/不再接收成果报告: http:\/\/\S+\/unsubscribe\//);
    expect(both(chinese!)).toContain('您收到此邮件，是因为您曾捐款支持言语治疗基金，并同意接收捐款成果的消息。');
    expect(chinese!.html).toContain('<html lang="zh-CN">');

    expect(await sendImpactEmail(t.ctx, update.id, en.donorId)).toBe('sent');
    const [english] = mail.to('ada.impact@example.com');
    expect(english!.subject).toBe('Speech therapy fund: A year of speech therapy');
    expect(english!.text).toContain('Dear Ada Wong,');
    expect(english!.text).toContain('Here is what your gift to Speech therapy fund has done.');
    expect(english!.text).toContain('Photo 1 from “A year of speech therapy”');
    expect(english!.text).toMatch(/Stop impact updates: http:\/\/\S+\/unsubscribe\//);
    expect(english!.html).toContain('<html lang="en">');
  });
});
