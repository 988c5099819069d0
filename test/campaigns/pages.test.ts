import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { startTestContext, type TestContext } from '../support/context';
import { links } from '../support/html';

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
    expect(res.text).toContain('<time datetime="2026-11-30T23:59:59.000Z">');
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
