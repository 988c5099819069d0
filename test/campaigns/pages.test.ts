import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities, links } from '../support/html';

// The day these pages are read on: the November round open, July's closed.
const seededOn = new Date('2026-11-23T08:00:00Z');

describe('campaign pages', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    await seedDemoData(t.database.db, seededOn);
  });
  afterAll(() => t.close());

  it('lists the live campaigns on the home page, not the closed rounds', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).toContain('Happy Smile: November 2026 mission');
    expect(res.text).toContain('Speech therapy fund');
    expect(res.text).toContain('General fund');
    expect(res.text).not.toContain('July 2026 mission');
    expect(res.text).toContain('href="/campaigns/happy-smile-2026-11"');
  });

  it('shows a campaign with its story, target and what one unit of impact costs', async () => {
    const res = await request(t.app).get('/campaigns/happy-smile-2026-11').expect(200);
    expect(res.text).toContain('CN¥5,000 funds one cleft-lip surgery.');
    expect(res.text).toContain('CN¥800,000');
    expect(res.text).toContain('volunteer surgeons');
    // The round's last day is a Hong Kong day, and the page says so in the organisation's time zone.
    expect(res.text).toContain('<time datetime="2026-11-30T15:59:59.000Z">Nov 30, 2026</time>');
  });

  it('greets a donor with the cover, link previews, the registration and how the payment is made', async () => {
    const res = await request(t.app).get('/campaigns/happy-smile-2026-11').set('Host', 'give.example.org').expect(200);
    expect(res.text).toContain('<img class="campaign-cover" src="/assets/covers/happy-smile.png"');
    expect(res.text).toContain('<meta property="og:title" content="Happy Smile: November 2026 mission">');
    expect(res.text).toContain('<meta property="og:image" content="http://give.example.org/assets/covers/happy-smile.png">');
    expect(res.text).toContain('<meta property="og:url" content="http://give.example.org/campaigns/happy-smile-2026-11">');
    expect(res.text).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(res.text.match(/property="og:image"/g)).toHaveLength(1);
    expect(res.text).toContain('Demo data only: not a registered charity.');
    expect(res.text).toContain('Stripe’s secure, encrypted page');
    await request(t.app).get('/assets/covers/happy-smile.png').expect(200).expect('Content-Type', 'image/png');
  });

  it('offers only the chosen currency\'s amounts as buttons, with what the chosen one does beside them', async () => {
    const buttons = (html: string) => [...html.matchAll(/<a class="amount-button" href="[^"]*" data-amount="([^"]*)"/g)].map((m) => m[1]);
    const cny = await request(t.app).get('/campaigns/happy-smile-2026-11').expect(200);
    expect(buttons(cny.text)).toEqual(['200.00', '1000.00', '5000.00']);
    expect(cny.text).not.toContain('HK$5,500');
    const hkd = await request(t.app).get('/campaigns/happy-smile-2026-11?currency=HKD').expect(200);
    expect(buttons(hkd.text)).toEqual(['200.00', '1100.00', '5500.00']);
    expect(hkd.text).not.toContain('CN¥1,000');
    const chosen = await request(t.app).get('/campaigns/happy-smile-2026-11?currency=USD&amount=140').expect(200);
    expect(chosen.text).toMatch(/data-amount="140.00" data-impact="[^"]*" aria-current="true">US\$140</);
    expect(chosen.text).toContain('<p class="chosen-impact" id="chosen-impact" aria-live="polite">US$140 funds one family&#x27;s travel to the hospital.</p>');
  });

  it('shares the page by WhatsApp, Facebook, email, its address and a QR code, with no inline script', async () => {
    const res = await request(t.app).get('/campaigns/happy-smile-2026-11').set('Host', 'give.example.org').expect(200);
    const hrefs = links(res.text);
    const address = encodeURIComponent('http://give.example.org/campaigns/happy-smile-2026-11?utm_source=share-');
    expect(hrefs).toContain(`https://www.facebook.com/sharer/sharer.php?u=${address}facebook`);
    expect(hrefs.find((href) => href.startsWith('https://wa.me/?text='))).toContain(`${address}whatsapp`);
    expect(hrefs.find((href) => href.startsWith('mailto:?subject='))).toContain(`${address}email`);
    expect(res.text).toContain('value="http://give.example.org/campaigns/happy-smile-2026-11?utm_source&#x3D;share-link"');
    expect(res.text).toMatch(/<svg class="qr-code" role="img" aria-label="QR code for the page of Happy Smile: November 2026 mission"[^>]*>/);
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    // The page kept for one address is not the one served for another.
    const other = await request(t.app).get('/campaigns/happy-smile-2026-11').set('Host', 'other.example.org').expect(200);
    expect(other.text).toContain('<meta property="og:url" content="http://other.example.org/campaigns/happy-smile-2026-11">');
  });

  it('speaks each reader’s language from the campaign’s own texts: page, list and widget', async () => {
    const read = async (path: string) => decodeEntities((await request(t.app).get(path).expect(200)).text);
    const english = await read('/campaigns/happy-smile-2026-11?lang=en');
    expect(english).toContain('<h1>Happy Smile: November 2026 mission</h1>');
    expect(english).toContain('volunteer surgeons');
    expect(english).toContain('CN¥5,000 funds one cleft-lip surgery.');

    const simplified = await read('/campaigns/happy-smile-2026-11?lang=zh-CN');
    expect(simplified).toContain('<h1>微笑行动：2026年11月医疗队</h1>');
    expect(simplified).toContain('志愿外科医生');
    expect(simplified).toContain('可资助一例唇腭裂手术。');
    expect(simplified).toContain('一位患儿的术后药品');

    const hongKong = await read('/campaigns/happy-smile-2026-11?lang=zh-HK');
    expect(hongKong).toContain('<html lang="zh-HK">');
    expect(hongKong).toContain('<h1>微笑行動：2026年11月醫療隊</h1>');
    expect(hongKong).toContain('由義務醫療隊為中國偏遠地區的唇顎裂兒童免費施行手術。');
    expect(hongKong).toContain('義務外科醫生');
    expect(hongKong).toContain('可資助一次唇顎裂手術。');
    expect(hongKong).toContain('一位病童的術後藥物');
    expect(hongKong).not.toContain('微笑行动');

    const list = await read('/?lang=zh-HK');
    expect(list).toContain('<a href="/campaigns/speech-therapy-fund">言語治療基金</a>');
    expect(list).toContain('<a href="/campaigns/general">綜合基金</a>');
    const widget = await read('/embed/campaigns/speech-therapy-fund?lang=zh-HK');
    expect(widget).toContain('<h1 class="embed-title">言語治療基金</h1>');
    expect(await read('/embed/campaigns/speech-therapy-fund?lang=zh-CN')).toContain('<h1 class="embed-title">言语治疗基金</h1>');
  });

  it('shows a campaign written in English and Simplified Chinese only to a Hong Kong reader in Traditional characters', async () => {
    await t.database.db
      .updateTable('campaigns')
      .set({
        title: { en: 'Speech therapy fund', 'zh-CN': '言语治疗基金' },
        summary: { en: 'After surgery, speech therapy helps children find their voice.', 'zh-CN': '手术之后，言语治疗帮助孩子们清楚地说话。' },
        story: { en: 'Weekly sessions.', 'zh-CN': '许多孩子在腭裂修复后需要一年或更长时间的言语治疗。' },
        cost_unit_label: { en: 'one speech-therapy session', 'zh-CN': '一节言语治疗课' },
      })
      .where('slug', '=', 'speech-therapy-fund')
      .execute();
    const hongKong = decodeEntities((await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-HK').expect(200)).text);
    expect(hongKong).toContain('<h1>言語治療基金</h1>');
    // In the forms Hong Kong types: 說, and the palate's 顎.
    expect(hongKong).toContain('手術之後，言語治療幫助孩子們清楚地說話。');
    expect(hongKong).toContain('許多孩子在顎裂修復後需要一年或更長時間的言語治療。');
    expect(hongKong).toContain('可資助一節言語治療課。');
    expect(hongKong).not.toContain('言语治疗');
    // Simplified readers still read what was written for them.
    expect((await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-CN').expect(200)).text).toContain('<h1>言语治疗基金</h1>');
  });

  it('still shows a closed round to those who follow a link to it', async () => {
    await request(t.app).get('/campaigns/happy-smile-2026-07').expect(200);
  });

  it('hides drafts and unknown campaigns behind a friendly 404', async () => {
    await t.database.db.updateTable('campaigns').set({ status: 'draft' }).where('slug', '=', 'general').execute();
    const res = await request(t.app).get('/campaigns/general').expect(404);
    expect(res.text).toContain('There is no campaign at this address.');
    await request(t.app).get('/campaigns/no-such-thing').expect(404);
  });

  it('answers JSON clients with a stable error code', async () => {
    const res = await request(t.app).get('/campaigns/no-such-thing').set('Accept', 'application/json').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'There is no campaign at this address.' } });
  });

  it('escapes whatever a campaign manager typed', async () => {
    await t.database.db
      .updateTable('campaigns')
      .set({ title: { en: '<script>alert("x")</script> Smiles' }, summary: { en: '<img src=x onerror=alert(1)>' } })
      .where('slug', '=', 'speech-therapy-fund')
      .execute();
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Smiles');
  });
});
