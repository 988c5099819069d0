// The donate widget a partner puts on their own site: an iframe page showing progress, and the code to paste.
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities } from '../support/html';

// The day these pages are read on: the November round open, July's closed.
const seededOn = new Date('2026-11-23T08:00:00Z');

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

describe('the embeddable donate widget', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: seededOn });
    await seedDemoData(t.database.db, seededOn);
  });
  afterAll(() => t.close());

  it('shows the campaign, its progress as a bar with the same numbers in words, and its donors', async () => {
    const res = await request(t.app).get('/embed/campaigns/speech-therapy-fund?lang=en').expect(200);
    expect(res.text).toContain('<h1 class="embed-title">Speech therapy fund</h1>');
    const bar = /<div class="progress-bar" role="progressbar"[^>]*>/.exec(res.text)?.[0] ?? '';
    expect(attribute(bar, 'aria-valuenow')).toBe('0');
    expect(attribute(bar, 'aria-valuetext')).toBe('0% of the target');
    // The bar is named by the sentence shown beside it, so a screen reader hears what a sighted donor reads.
    expect(attribute(bar, 'aria-labelledby')).toBe('embed-raised');
    expect(res.text).toMatch(/<p class="progress-text" id="embed-raised">HK\$0 raised of HK\$300,000 <span class="percent">\(0%\)<\/span><\/p>/);
    expect(res.text).toContain('0 donors');
    // No header, navigation or footer inside a partner's page; and fresh numbers every minute without JavaScript.
    expect(res.text).not.toContain('class="site-header"');
    expect(res.text).toContain('<noscript><meta http-equiv="refresh" content="60"></noscript>');
    expect(res.text).toContain('<script src="/assets/embed.js" defer></script>');
  });

  it('speaks Chinese when the snippet asks for it', async () => {
    const res = await request(t.app).get('/embed/campaigns/speech-therapy-fund?lang=zh-CN').expect(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('已筹得 HK$0，目标 HK$300,000');
    const link = /<a class="button"[^>]*>/.exec(res.text)?.[0] ?? '';
    expect(attribute(link, 'href')).toBe('/campaigns/speech-therapy-fund?utm_source=embed&lang=zh-CN#give');
  });

  it('may be framed by any site, while the rest of the site stays unframeable', async () => {
    const embed = await request(t.app).get('/embed/campaigns/speech-therapy-fund').expect(200);
    expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embed.headers['content-security-policy']).not.toContain("frame-ancestors 'self'");
    // The rest of the policy still holds: no inline script, even in the widget.
    expect(embed.headers['content-security-policy']).toContain("script-src 'self'");
    expect(embed.headers['x-frame-options']).toBeUndefined();

    for (const path of ['/campaigns/speech-therapy-fund', '/', '/embed/campaigns/speech-therapy-fund/snippet']) {
      const page = await request(t.app).get(path).expect(200);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('opens the donate form on our site in a new tab, and the gift remembers it came from the widget', async () => {
    const res = await request(t.app).get('/embed/campaigns/speech-therapy-fund?lang=en').expect(200);
    const link = /<a class="button"[^>]*>.*?<\/a>/.exec(res.text)?.[0] ?? '';
    expect(attribute(link, 'href')).toBe('/campaigns/speech-therapy-fund?utm_source=embed&lang=en#give');
    expect(attribute(link, 'target')).toBe('_blank');
    expect(attribute(link, 'rel')).toBe('noopener');
    expect(link).toContain('<span class="visually-hidden"> to Speech therapy fund (opens in a new tab)</span>');

    const form = await request(t.app).get('/campaigns/speech-therapy-fund?utm_source=embed&lang=en').expect(200);
    expect(form.text).toContain('<input type="hidden" name="utm_source" value="embed">');
  });

  it('gives partners the code to paste, escaped, with a title and lazy loading', async () => {
    await t.database.db.updateTable('campaigns').set({ title: { en: '<script>alert("x")</script> Smiles & "care"' } }).where('slug', '=', 'general').execute();
    const res = await request(t.app).get('/embed/campaigns/general/snippet?lang=en').set('Host', 'give.example.org').expect(200);
    expect(res.text).not.toContain('<script>alert');
    const shown = /<textarea id="embed-snippet"[^>]*>([^<]*)<\/textarea>/.exec(res.text)?.[1];
    expect(shown).toBeDefined();
    // What a partner copies out of the box: one iframe tag, its own attributes escaped as HTML in turn.
    const code = decodeEntities(shown!);
    expect(code).toBe(
      '<iframe src="http://give.example.org/embed/campaigns/general?lang=en" title="Give to &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Smiles &amp; &quot;care&quot; on Smile Bridge Foundation" loading="lazy" width="360" height="260" style="border:0;max-width:100%"></iframe>',
    );
    expect(attribute(code, 'title')).toBe('Give to <script>alert("x")</script> Smiles & "care" on Smile Bridge Foundation');
    expect(res.text).toMatch(/<label for="embed-snippet">Code to paste<\/label>/);
  });

  it('shows a closed campaign without a Give button', async () => {
    const res = await request(t.app).get('/embed/campaigns/happy-smile-2026-07?lang=en').expect(200);
    expect(res.text).toContain('This campaign has closed.');
    expect(res.text).not.toContain('class="button"');
  });

  it('has nothing for unknown or draft campaigns', async () => {
    await request(t.app).get('/embed/campaigns/no-such-thing').expect(404);
    await request(t.app).get('/embed/campaigns/no-such-thing/snippet').expect(404);
    await t.database.db.updateTable('campaigns').set({ status: 'draft' }).where('slug', '=', 'speech-therapy-fund').execute();
    await request(t.app).get('/embed/campaigns/speech-therapy-fund').expect(404);
    await request(t.app).get('/embed/campaigns/speech-therapy-fund/snippet').expect(404);
  });
});
