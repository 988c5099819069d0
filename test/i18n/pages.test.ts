// The public pages a donor passes through, in Simplified Chinese and in English: the campaign page,
// the donate form when a field needs attention, the thank-you page and the not-found page.
import request from 'supertest';
import { messages } from '../../server/i18n/messages';
import { postImpactUpdate } from '../../server/impact/post';
import { signToken } from '../../server/http/signed-links';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities } from '../support/html';
import { testNow } from '../support/clock';

const zh = messages['zh-CN'];

/** The text beside a field: <p class="field-error" id="amount-error">…</p>. */
function fieldError(html: string, field: string): string | undefined {
  const text = new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(html)?.[1];
  return text === undefined ? undefined : decodeEntities(text);
}

describe('the public pages in Chinese and in English', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('the campaign page in Chinese: its story, progress, facts, presets, impact updates and the donate form', async () => {
    await postImpactUpdate(h.database.db, {
      campaignSlug: 'speech-therapy-fund',
      title: '一年的言语治疗',
      bodyMarkdown: '治疗师今年上了 **1,520 节课**。',
      figures: [{ label: '课时', value: 1520 }],
      photos: [{ url: 'https://photos.example.org/class.jpg', alt: null }],
    });
    const page = await request(h.url).get('/campaigns/speech-therapy-fund?lang=zh-CN').expect(200);
    const html = page.text;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<title>言语治疗基金 · 微笑桥基金会</title>');
    expect(html).toContain('<h1>言语治疗基金</h1>');
    expect(html).toMatch(/已筹得 <strong data-raised>HK\$[\d,]+<\/strong>，目标 HK\$300,000<span class="percent">（\d+%）<\/span>/);
    expect(html).toMatch(/<p class="muted">\d+ 位捐款人/);
    expect(html).toContain('<p class="chosen-impact" id="chosen-impact" aria-live="polite">HK$800 可资助一节言语治疗课。</p>');
    expect(html).toContain('<dt>接受币种</dt><dd>HKD、CNY、USD</dd>');
    expect(html).toContain('aria-label="项目故事"');
    // The amount buttons are the chosen currency's presets, each saying what it funds; other currencies' are a link away.
    expect(html).toContain('data-impact="HK$800 可资助一节言语治疗课。"');
    expect(html).not.toContain('>¥750</a>');
    expect(html).toContain('<h2 id="impact-updates">您的捐款成果</h2>');
    expect(html).toContain('<dt>课时</dt><dd><strong>1,520</strong></dd>');
    expect(html).toContain('alt="“一年的言语治疗”的第1张照片"');
    expect(html).toContain('<h2 id="give-heading">捐款支持言语治疗基金</h2>');
    for (const label of ['<legend>捐款频率</legend>', '> 单次捐款</label>', '> 每月捐款</label>', '<label for="amount">金额</label>', 'aria-label="币种"', '<label for="name">您的姓名</label>', '<label for="email">电子邮箱（用于接收收据）</label>', '<button type="submit" class="button">继续付款</button>']) {
      expect(html).toContain(label);
    }
    // The form says which language it was filled in, so the gift and its emails follow it.
    expect(html).toContain('<input type="hidden" name="locale" value="zh-CN">');
    // Nothing of the English page is left on the Chinese one.
    for (const english of ['Give to', 'How often', 'Your name', 'Continue to payment', 'raised of', 'Gifts accepted in', 'What your gift does']) {
      expect(html).not.toContain(english);
    }
  });

  it('the campaign list and a closing date in both languages, with the days left', async () => {
    const endsAt = new Date(testNow.getTime() + 36 * 60 * 60 * 1000);
    await h.database.db.updateTable('campaigns').set({ ends_at: endsAt }).where('slug', '=', 'general').execute();
    const home = (await request(h.url).get('/?lang=zh-CN').expect(200)).text;
    expect(home).toContain('<title>给孩子一个微笑 · 微笑桥基金会</title>');
    expect(home).toContain('<h2 id="live-campaigns">正在募捐的项目</h2>');
    expect(home).toMatch(/截止于 <time datetime="[^"]+">\d{4}年\d{1,2}月\d{1,2}日<\/time>（还剩 2 天）/);
    expect(home).toContain('#give">立即捐款</a>');
    const page = (await request(h.url).get('/campaigns/general?lang=zh-CN').expect(200)).text;
    expect(page).toMatch(/<dt>截止于<\/dt><dd><time datetime="[^"]+">[^<]+<\/time>（还剩 2 天）<\/dd>/);

    const english = (await request(h.url).get('/?lang=en').expect(200)).text;
    expect(english).toContain('<title>Give a child a smile · Smile Bridge Foundation</title>');
    expect(english).toMatch(/Closes <time datetime="[^"]+">[^<]+<\/time> \(2 days left\)/);
    expect(english).toContain('#give">Give now</a>');
  });

  it('the campaign page in English, as it always read', async () => {
    const html = (await request(h.url).get('/campaigns/speech-therapy-fund').set('Accept-Language', 'en').expect(200)).text;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<p class="chosen-impact" id="chosen-impact" aria-live="polite">HK$800 funds one speech-therapy session.</p>');
    expect(html).toContain('<dt>Gifts accepted in</dt><dd>HKD, CNY, USD</dd>');
    expect(html).toContain('<h2 id="give-heading">Give to Speech therapy fund</h2>');
    expect(html).toContain('<label for="email">Email, for your receipt</label>');
    const inDollars = (await request(h.url).get('/campaigns/speech-therapy-fund?currency=USD').set('Accept-Language', 'en').expect(200)).text;
    expect(inDollars).toContain('data-impact="US$100 funds one speech-therapy session."');
    expect(inDollars).not.toContain('>HK$800</a>');
    expect(html).toContain('<input type="hidden" name="locale" value="en">');
  });

  it('the donate form answers 422 with each message beside its field in Chinese, and in English for an English page', async () => {
    const mistakes = { amount: '1.234', currency: 'HKD', frequency: 'sometimes', email: 'not-an-email', name: '', message: '', dedication_kind: 'honour', dedication_name: '' };
    const browser = request.agent(h.url);
    await browser.get('/campaigns/speech-therapy-fund?lang=zh-CN').expect(200);
    const chinese = await browser.post('/campaigns/speech-therapy-fund/donate').type('form').send(mistakes).expect(422);
    expect(chinese.text).toContain('<html lang="zh-CN">');
    expect(chinese.text).toContain('<h3>请检查您填写的捐款信息</h3>');
    expect(fieldError(chinese.text, 'amount')).toBe('HKD 金额最多保留 2 位小数。');
    expect(fieldError(chinese.text, 'frequency')).toBe('请选择单次、每月或每年捐款。');
    expect(fieldError(chinese.text, 'email')).toBe('请填写有效的电子邮箱，例如 name@example.com。');
    expect(fieldError(chinese.text, 'name')).toBe('请填写您的姓名，收据上将显示此姓名。');
    expect(fieldError(chinese.text, 'dedication_name')).toBe('请填写您要致敬或纪念的人的姓名。');
    expect(chinese.text).toContain('<li><a href="#amount">HKD 金额最多保留 2 位小数。</a></li>');

    const tooSmall = await browser.post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ amount: '1', currency: 'CNY' })).expect(422);
    expect(fieldError(tooSmall.text, 'amount')).toBe('银行卡捐款的最低金额为 ¥5.00。');
    const wrongCurrency = await browser.post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ currency: 'EUR' })).expect(422);
    expect(fieldError(wrongCurrency.text, 'currency')).toBe('请从 HKD、CNY、USD 中选择一种币种。');

    // The language the form was filled in wins over a cookie left by another tab.
    const english = await browser.post('/campaigns/speech-therapy-fund/donate').type('form').send({ ...mistakes, locale: 'en' }).expect(422);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('<h3>Please check your gift</h3>');
    expect(fieldError(english.text, 'amount')).toBe('Use at most 2 decimal places for HKD.');
    expect(fieldError(english.text, 'frequency')).toBe('Choose to give once, every month or every year.');
    expect(fieldError(english.text, 'email')).toBe('Enter an email address like name@example.com.');
    expect(fieldError(english.text, 'name')).toBe('Enter your name, as it should appear on your receipt.');
    expect(fieldError(english.text, 'dedication_name')).toBe('Enter the name of the person this gift honours.');
    const englishSmall = await request(h.url).post('/campaigns/speech-therapy-fund/donate').type('form').send(aDonor({ amount: '1', currency: 'CNY' })).expect(422);
    expect(fieldError(englishSmall.text, 'amount')).toBe('The smallest gift we can take by card is CN¥5.00.');
  });

  it('a gift from the Chinese page is recorded in Chinese, pays on a Chinese Checkout page and is thanked in Chinese', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '250.50', name: '陈美玲', email: 'mei.zh@example.com', locale: 'zh-CN' }));
    expect(donation.locale).toBe('zh-CN');
    expect((await h.stripe.checkout.sessions.retrieve(sessionId)).locale).toBe('zh');

    const pending = await request(h.url).get(`/donations/thanks?session_id=${sessionId}&lang=zh-CN`).expect(200);
    expect(pending.text).toContain('<title>正在确认您的捐款 · 微笑桥基金会</title>');
    expect(pending.text).toContain('<h1>陈美玲，谢谢您！</h1>');
    expect(pending.text).toContain('<strong>确认中：</strong> 我们正在与支付服务商确认您给言语治疗基金的捐款 HK$250.50。本页面会自动刷新。');

    await h.pay(sessionId);
    await h.settle();
    const confirmed = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).set('Accept-Language', 'zh-CN').expect(200);
    expect(confirmed.text).toContain('<title>感谢您的捐款 · 微笑桥基金会</title>');
    expect(confirmed.text).toContain('<strong>已确认：</strong> 我们已收到您给<a href="/campaigns/speech-therapy-fund">言语治疗基金</a>的捐款 HK$250.50。');
    expect(confirmed.text).toContain('<p>收据将通过电子邮件发送给您。</p>');

    // The receipt's printable page speaks the receipt's language, whatever the browser asks for.
    const [receipt] = await h.mail.waitFor(1).then(() => h.mail.to('mei.zh@example.com'));
    const link = /(\/receipts\/[A-Za-z0-9_.-]+)/.exec(receipt!.text ?? '')?.[1];
    const printable = await request(h.url).get(link!).set('Accept-Language', 'en').expect(200);
    expect(printable.text).toContain('<html lang="zh-CN">');
    expect(printable.text).toContain('如需保存副本，请使用浏览器的“打印”功能，并选择“另存为 PDF”。');
    expect(printable.text).toContain('<dt>金额</dt><dd><strong>HK$250.50</strong></dd>');

    const english = await request(h.url).get(`/donations/thanks?session_id=${sessionId}&lang=en`).expect(200);
    expect(english.text).toContain('<strong>Confirmed:</strong> your gift of HK$250.50 to <a href="/campaigns/speech-therapy-fund">Speech therapy fund</a> has been received.');
  });

  it('a monthly gift and a gift that did not go through, thanked in Chinese', async () => {
    const monthly = await h.give('general', aDonor({ amount: '25', currency: 'USD', frequency: 'month', locale: 'zh-CN' }));
    const pending = await request(h.url).get(`/donations/thanks?session_id=${monthly.sessionId}&lang=zh-CN`).expect(200);
    expect(pending.text).toContain('确认您给综合基金的每月捐款 US$25.00。');

    const lapsed = await h.give('general', aDonor({ amount: '25', currency: 'USD', locale: 'zh-CN' }));
    await h.database.db.updateTable('donations').set({ status: 'expired' }).where('id', '=', lapsed.donation.id).execute();
    const failed = await request(h.url).get(`/donations/thanks?session_id=${lapsed.sessionId}&lang=zh-CN`).expect(200);
    expect(failed.text).toContain('<h1>您的捐款未能完成</h1>');
    expect(failed.text).toMatch(/您的账户没有被扣款。您可以<a href="\/campaigns\/general\?retry&#x3D;[^"]+#give">再试一次<\/a>，也可以换一张银行卡。/);
    const english = await request(h.url).get(`/donations/thanks?session_id=${lapsed.sessionId}&lang=en`).expect(200);
    expect(english.text).toMatch(/Nothing was taken from your account\. <a href="[^"]+">Try again<\/a>, perhaps with another card\./);
  });

  it('the not-found page in Chinese and in English, with the common reasons said in the page language', async () => {
    const cases = [
      { path: '/no-such-page', zh: '/no-such-page 没有对应的页面。', en: 'Nothing lives at /no-such-page.' },
      { path: '/campaigns/no-such-campaign', zh: zh['errors.campaignNotFound'], en: 'There is no campaign at this address.' },
      { path: '/donations/thanks?session_id=cs_test_unknown', zh: zh['errors.giftNotFound'], en: 'We could not find that gift. If you were charged, your receipt is on its way by email.' },
      { path: `/receipts/${signToken(h.config.sessionSecret, 'receipt', '00000000-0000-0000-0000-000000000000').slice(0, -3)}xyz`, zh: zh['errors.receiptLinkInvalid'], en: 'This receipt link is not valid. Please use the link in your receipt email.' },
    ];
    for (const { path, zh: chineseMessage, en: englishMessage } of cases) {
      const chinese = await request(h.url).get(path).set('Accept-Language', 'zh-CN,zh;q=0.9').expect(404);
      expect(chinese.text).toContain('<html lang="zh-CN">');
      expect(chinese.text).toContain('<title>找不到此页面 · 微笑桥基金会</title>');
      expect(chinese.text).toContain('<h1>找不到此页面</h1>');
      expect(decodeEntities(chinese.text)).toContain(`<p>${chineseMessage}</p>`);
      expect(chinese.text).toContain('<a href="/">返回募捐项目</a>');

      const english = await request(h.url).get(path).set('Accept-Language', 'en').expect(404);
      expect(english.text).toContain('<title>Page not found · Smile Bridge Foundation</title>');
      expect(decodeEntities(english.text)).toContain(`<p>${englishMessage}</p>`);
      expect(english.text).toContain('<a href="/">Back to the campaigns</a>');
    }
    expect(zh['errors.campaignNotFound']).toBe('此地址没有对应的募捐项目。');
  });
});
