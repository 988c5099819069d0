import request from 'supertest';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { testNow } from '../support/clock';
import { downloadBytes, pdfText } from '../support/pdf';
import { waitUntil } from '../support/wait';

const year = testNow.getUTCFullYear();

describe('receipts', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  async function giveAndPay(slug: string, form: Record<string, string>) {
    const { donation, sessionId } = await h.give(slug, form);
    await h.pay(sessionId);
    return donation;
  }

  it('sends one receipt for a one-off gift, with its number, amount, campaign and a printable link', async () => {
    const donation = await giveAndPay('speech-therapy-fund', aDonor({ email: 'ada@example.com', name: 'Ada Wong', amount: '250.50', dedication_kind: 'memory', dedication_name: 'Grandma Lin' }));
    await h.settle();
    const [receipt] = await h.mail.waitFor(1);
    expect(receipt!.subject).toBe(`Your receipt ${year}-000001: thank you for your gift to Speech therapy fund`);
    expect(receipt!.text).toContain('Amount: HK$250.50');
    expect(receipt!.text).toContain('Donor: Ada Wong');
    expect(receipt!.text).toContain('Gift: One-off gift');
    expect(receipt!.text).toContain('Paid by: Card');
    expect(receipt!.text).toContain('Dedication: In memory of Grandma Lin');
    expect(receipt!.text).toContain(h.config.organisation.registration.en);
    expect(receipt!.html).toContain('HK$250.50');

    const link = /(\/receipts\/[A-Za-z0-9_.-]+)/.exec(receipt!.text ?? '')?.[1];
    const page = await request(h.url).get(link!).expect(200);
    expect(page.text).toContain(`${year}-000001`);
    expect(page.text).toContain('Ada Wong');
    await request(h.url).get(`${link!.slice(0, -3)}xyz`).expect(404);

    // The receipt's PDF rides with the email, reads back as the receipt, and is the very file the page offers.
    const [attached] = receipt!.attachments;
    expect(receipt!.attachments).toHaveLength(1);
    expect(attached).toMatchObject({ contentType: 'application/pdf', filename: `receipt-${year}-000001.pdf` });
    const text = await pdfText(attached!.content);
    for (const shown of [`Donation receipt ${year}-000001`, 'Ada Wong', 'HK$250.50', 'Speech therapy fund', 'In memory of Grandma Lin', 'Card', h.config.organisation.registration.en]) {
      expect(text).toContain(shown);
    }
    // The address to check it by, wrapped over two lines on the page.
    expect(text.replace(/\s+/g, '')).toContain(link!);
    expect(page.text).toContain(`${link}/pdf`);
    const downloaded = await downloadBytes(h.url, `${link}/pdf`);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers['content-type']).toBe('application/pdf');
    expect(downloaded.headers['content-disposition']).toBe(`attachment; filename=receipt-${year}-000001.pdf`);
    expect(downloaded.body.equals(attached!.content)).toBe(true);
    await request(h.url).get(`${link!.slice(0, -3)}xyz/pdf`).expect(404);

    const outbox = await h.database.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', `receipt-${donation.id}`).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.sent_at).not.toBeNull();
  });

  it('writes to a donor who gave in Chinese in Chinese, with amounts formatted for each currency', async () => {
    const before = h.mail.messages.length;
    await giveAndPay('speech-therapy-fund', aDonor({ email: 'li@example.com', name: '李小明', currency: 'CNY', amount: '88', locale: 'zh-CN' }));
    await giveAndPay('speech-therapy-fund', aDonor({ email: 'sam@example.com', name: 'Sam', currency: 'USD', amount: '25' }));
    await h.settle();
    await h.mail.waitFor(before + 2);
    const [chinese] = h.mail.to('li@example.com');
    expect(chinese!.subject).toMatch(/^您的捐款收据 \d{4}-\d{6}：感谢您支持言语治疗基金$/);
    expect(chinese!.text).toContain('金额: ¥88.00');
    expect(chinese!.text).toContain(h.config.receiptWording['zh-CN']);
    expect(chinese!.text).not.toContain(h.config.receiptWording.en);
    expect(chinese!.text).toContain('捐款人: 李小明');
    expect(h.mail.to('sam@example.com')[0]!.text).toContain('Amount: US$25.00');
  });

  it('writes wholly in Traditional Chinese to a donor who gave in it, and prints the receipt in any language asked for', async () => {
    await giveAndPay('speech-therapy-fund', aDonor({ email: 'wing@example.com', name: '陳詠詩', currency: 'HKD', amount: '300', locale: 'zh-HK' }));
    await h.settle();
    await waitUntil('the receipt', () => h.mail.to('wing@example.com').length >= 1);
    const [traditional] = h.mail.to('wing@example.com');
    expect(traditional!.subject).toMatch(/^您的捐款收據 \d{4}-\d{6}：感謝您支持言語治療基金$/);
    expect(traditional!.from?.value[0]?.name).toBe('微笑橋基金會');
    for (const shown of ['金額: HK$300.00', '捐款人: 陳詠詩', '捐款類型: 單次捐款', '香港灣仔港灣道1號12樓1203室', '僅為示範資料：並非註冊慈善機構。', '本捐款並無換取任何貨品或服務。']) {
      expect(traditional!.text).toContain(shown);
    }
    // Nothing left in Simplified characters or in English but the amount's currency sign.
    expect(traditional!.text).not.toMatch(/收据|金额|湾仔|项目|Donor|Amount|Receipt/);

    const link = /(\/receipts\/[A-Za-z0-9_.-]+)/.exec(traditional!.text ?? '')?.[1];
    const page = (await request(h.url).get(link!).set('Accept-Language', 'en').expect(200)).text;
    expect(page).toContain('<html lang="zh-HK">');
    expect(page).toContain('捐款收據');
    expect(page).toMatch(/aria-current="true">繁體中文</);
    const english = (await request(h.url).get(`${link!}?lang=en`).expect(200)).text;
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Donation receipt');
    expect(english).toContain('Smile Bridge Foundation');
    expect(english).toMatch(/aria-current="true">English</);
    const simplified = (await request(h.url).get(`${link!}?lang=zh-CN`).expect(200)).text;
    expect(simplified).toContain('捐款收据');
    expect(simplified).toContain('微笑桥基金会');

    // Its PDF too: in Traditional Chinese as sent, in Simplified when asked for.
    const traditionalPdf = await pdfText(traditional!.attachments[0]!.content);
    for (const shown of ['捐款收據', '陳詠詩', 'HK$300.00', '微笑橋基金會', '僅為示範資料：並非註冊慈善機構。']) expect(traditionalPdf).toContain(shown);
    expect(traditionalPdf).not.toMatch(/收据|金额|Donor|Amount/);
    expect(await pdfText((await downloadBytes(h.url, `${link!}/pdf?lang=zh-CN`)).body)).toContain('捐款收据');
  });

  it('numbers receipts without a gap when twenty gifts arrive at once', async () => {
    const before = h.mail.messages.length;
    const sessions = await Promise.all(Array.from({ length: 20 }, (_, i) => h.give('general', aDonor({ email: `crowd${i}@example.com`, currency: 'USD', amount: String(10 + i) }))));
    await Promise.all(sessions.map(({ sessionId }) => h.pay(sessionId)));
    await h.settle();
    await h.mail.waitFor(before + 20);
    const numbers = await h.database.db.selectFrom('receipts').select(['year', 'sequence']).orderBy('sequence').execute();
    expect(numbers.map((n) => n.sequence)).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(new Set(h.mail.messages.map((m) => m.subject)).size).toBe(h.mail.messages.length);
  });

  it('sends a refund notice when a gift is refunded, and never a second receipt', async () => {
    const donation = await giveAndPay('speech-therapy-fund', aDonor({ email: 'refund@example.com' }));
    await h.settle();
    await waitUntil('the receipt', () => h.mail.to('refund@example.com').length >= 1);
    const paid = await h.donation(donation.id);
    await h.stripe.refunds.create({ payment_intent: paid.stripe_payment_intent_id!, amount: 4000 });
    await h.settle();
    await waitUntil('the refund notice', () => h.mail.to('refund@example.com').length >= 2);
    const mails = h.mail.to('refund@example.com');
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^Your receipt/), 'Your gift to Speech therapy fund has been refunded']);
    expect(mails[1]!.text).toContain('HK$40.00');
  });

  it('prints a name typed with line breaks on one line of the receipt, never as lines of its own', async () => {
    await giveAndPay(
      'speech-therapy-fund',
      aDonor({ email: 'lines@example.com', name: 'Ann\r\nBcc: x\u2028Total: US$0\u202E', dedication_kind: 'honour', dedication_name: 'Grandma\nLin\u2029Amount: HK$0' }),
    );
    await h.settle();
    await waitUntil('the receipt', () => h.mail.to('lines@example.com').length >= 1);
    const lines = (h.mail.to('lines@example.com')[0]!.text ?? '').split(/\r?\n|\u2028|\u2029|\u0085/);
    expect(lines).toContain('Donor: Ann Bcc: x Total: US$0');
    expect(lines).toContain('Dedication: In honour of Grandma Lin Amount: HK$0');
    expect(lines.filter((line) => /^(Bcc|Total|Amount|Lin)\b/.test(line))).toEqual(['Amount: HK$100.00']);
  });
});
