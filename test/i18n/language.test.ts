import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { messages } from '../../server/i18n/messages';
import { startTestContext, type TestContext } from '../support/context';

describe('the language a page speaks', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(() => t.close());

  it('follows ?lang=, then the cookie it leaves, then Accept-Language, then English', async () => {
    expect((await request(t.app).get('/').expect(200)).text).toContain('<html lang="en">');
    const browser = request.agent(t.app);
    const asked = await browser.get('/?lang=zh-CN').set('Accept-Language', 'en').expect(200);
    expect(asked.text).toContain('<html lang="zh-CN">');
    expect(asked.text).toContain(messages['zh-CN']['site.footer']);
    expect(String(asked.headers['set-cookie'])).toMatch(/sf_lang=zh-CN; .*HttpOnly/);
    expect((await browser.get('/').set('Accept-Language', 'en').expect(200)).text).toContain('<html lang="zh-CN">');
    expect((await browser.get('/?lang=en').expect(200)).text).toContain('<html lang="en">');
    for (const header of ['zh-CN,zh;q=0.9', 'zh', 'zh-Hans', 'zh-SG,en;q=0.5']) {
      expect((await request(t.app).get('/').set('Accept-Language', header).expect(200)).text).toContain('<html lang="zh-CN">');
    }
    for (const header of ['zh-HK', 'zh-TW,en;q=0.5', 'zh-Hant', 'zh-Hant-HK', 'zh-MO', 'en;q=0.3, zh-HK;q=0.9', 'yue-Hant-HK', 'zh-yue']) {
      const page = await request(t.app).get('/').set('Accept-Language', header).expect(200);
      expect(page.text).toContain('<html lang="zh-HK">');
      expect(page.text).toContain(messages['zh-HK']['site.footer']);
    }
    const traditional = await browser.get('/?lang=zh-TW').expect(200);
    expect(traditional.text).toContain('<html lang="zh-HK">');
    expect(String(traditional.headers['set-cookie'])).toMatch(/sf_lang=zh-HK; /);
    expect((await request(t.app).get('/').set('Accept-Language', 'fr,de;q=0.8').expect(200)).text).toContain('<html lang="en">');
    expect((await request(t.app).get('/?lang=klingon').expect(200)).text).toContain('<html lang="en">');
  });

  it('offers a switch on every page that keeps the place and its query', async () => {
    const page = await request(t.app).get('/campaigns/speech-therapy-fund?amount=100.00&currency=HKD').expect(200);
    const decoded = page.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(decoded).toContain('href="/campaigns/speech-therapy-fund?amount=100.00&currency=HKD&lang=zh-CN" hreflang="zh-CN" lang="zh-CN"');
    expect(decoded).toContain('href="/campaigns/speech-therapy-fund?amount=100.00&currency=HKD&lang=zh-HK" hreflang="zh-HK" lang="zh-HK"');
    expect(page.text).toContain('aria-current="true">English</a>');
    expect(page.text).toContain('>繁體中文</a>');
  });

  it('formats money for the language: ¥ in Chinese, CN¥ in English', async () => {
    const zh = await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-CN').expect(200);
    expect(zh.text).toMatch(/HK\$300,000/);
    const happy = await t.database.db.selectFrom('campaigns').select('slug').where('status', '=', 'live').where('slug', 'like', 'happy-smile-%').executeTakeFirstOrThrow();
    expect((await request(t.app).get(`/campaigns/${happy.slug}?lang=zh-CN`).expect(200)).text).toContain('¥800,000');
    expect((await request(t.app).get(`/campaigns/${happy.slug}?lang=en`).expect(200)).text).toContain('CN¥800,000');
    expect((await request(t.app).get(`/campaigns/${happy.slug}?lang=zh-HK`).expect(200)).text).toContain('CN¥800,000');
    expect((await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-HK').expect(200)).text).toMatch(/HK\$300,000/);
  });
});
