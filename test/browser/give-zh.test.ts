// A donor who reads Chinese gives in the browser: the site in Simplified Chinese from the first page,
// the form found by its Chinese labels, the emulator's pay page in Chinese, a Chinese thank-you page
// and a Chinese receipt in the mail catcher.
import { startBrowserApp, type BrowserApp } from '../support/browser';
import { waitUntil } from '../support/wait';

describe('a donor gives in Chinese in the browser', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('browser-zh');
  });
  afterAll(() => b?.stop());

  it('gives from the Chinese home page through the Chinese pay page, is thanked and receipted in Chinese', async () => {
    expect(b.app.output.stdout).toMatch(/smtp: local catcher on .* shown at \/dev\/mail/);
    const page = await b.newPage();
    await page.goto(`${b.url}/?lang=zh-CN`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    const card = page.locator('.campaign-card', { hasText: '言语治疗基金' });
    await expect(card.locator('[data-raised]').textContent()).resolves.toBe('HK$0');
    await card.getByRole('link', { name: '言语治疗基金' }).click();

    await page.getByRole('heading', { name: '捐款支持言语治疗基金' }).waitFor();
    await page.getByLabel('金额', { exact: true }).fill('150');
    await page.getByLabel('币种').selectOption('HKD');
    await page.getByLabel('您的姓名').fill('陈美玲');
    await page.getByLabel('电子邮箱（用于接收收据）').fill('mei.chan.zh@example.com');
    await page.getByLabel('给孩子和家长的留言（选填）').fill('祝孩子们早日康复！');
    await page.getByRole('button', { name: '继续付款' }).click();

    // The emulator's hosted page, in the language Checkout was asked for.
    await page.getByRole('heading', { name: 'Smilefund 测试付款' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-Hans');
    await page.getByLabel('卡号').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: '支付', exact: true }).click();

    await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
    // Pending until the webhook is applied; the page reloads itself until then.
    await page.getByText('已确认：').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('陈美玲，谢谢您！');
    const status = await page.locator('.status-confirmed').textContent();
    expect(status).toContain('我们已收到您给言语治疗基金的捐款 HK$150.00。');
    await expect(page.title()).resolves.toBe('感谢您的捐款 · 微笑桥基金会');

    // The receipt, in the mail catcher the start log named. The worker sends it soon after the gift is recorded.
    const receiptLink = page.getByRole('link', { name: /^您的捐款收据 \d{4}-\d{6}：感谢您支持言语治疗基金$/ });
    await waitUntil('the receipt in the mail catcher', async () => {
      await page.goto(`${b.url}/dev/mail`);
      return (await receiptLink.count()) > 0;
    }, { pollMs: 250 });
    await receiptLink.click();
    const text = await page.locator('pre.mail-text').textContent();
    expect(text).toContain('亲爱的陈美玲：衷心感谢您的捐款。');
    expect(text).toContain('捐款人: 陈美玲');
    expect(text).toContain('金额: HK$150.00');
    expect(text).toContain('项目: 言语治疗基金');
    expect(text).toContain('捐款类型: 单次捐款');

    await page.goto(b.url);
    const after = page.locator('.campaign-card', { hasText: '言语治疗基金' });
    await expect(after.locator('[data-raised]').textContent()).resolves.toBe('HK$150');
    await expect(after.locator('.progress-text').textContent()).resolves.toBe('已筹得 HK$150，目标 HK$300,000（0%）');
  });
});
