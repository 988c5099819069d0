// The public pages as a screen-reader or keyboard user meets them: axe-core, injected into the real
// page in chromium, must find nothing serious or critical on any of them, in either language. And the
// same pages, with their Content-Security-Policy enforced, must not break it anywhere.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { demoRounds } from '../../dev/seed';
import { startBrowserApp, type BrowserApp } from '../support/browser';
import { testNow } from '../support/clock';

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** What axe finds that would stop someone using the page: the serious and critical violations. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // Runs in the page, where axe-core has just put itself on the window; with no context it checks the whole document.
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with every violation spelled out: which rule, what it asks, and where on the page. */
async function expectNoSeriousViolations(page: Page): Promise<void> {
  const found = await seriousViolations(page);
  const report = found.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)}${n.failureSummary ? `\n    ${n.failureSummary.replace(/\n/g, '\n    ')}` : ''}`).join('\n')}`);
  expect({ url: page.url(), violations: report }).toEqual({ url: page.url(), violations: [] });
}

/** Runs in every document before its own scripts: keeps each CSP violation the browser reports. */
function recordCspViolations(): void {
  const seen: string[] = [];
  (globalThis as unknown as { __cspViolations: string[] }).__cspViolations = seen;
  (globalThis as unknown as { document: { addEventListener(type: string, listener: (e: Record<string, unknown>) => void): void } }).document.addEventListener('securitypolicyviolation', (e) => {
    seen.push(`${String(e.effectiveDirective)} blocked ${String(e.blockedURI) || 'inline'} at ${String(e.sourceFile)}:${String(e.lineNumber)} ${String(e.sample ?? '')}`);
  });
}

/** The violations the page's document has reported so far, after letting any queued report be dispatched. */
async function cspViolations(page: Page): Promise<string[]> {
  // Reports are dispatched as tasks: two frames and a task later, every one from loading the page has been.
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const w = globalThis as unknown as { __cspViolations?: string[]; requestAnimationFrame(f: () => void): void };
        w.requestAnimationFrame(() => w.requestAnimationFrame(() => setTimeout(() => resolve([...(w.__cspViolations ?? ['the recorder did not run'])]))));
      }),
  );
}

async function expectNoCspViolations(page: Page): Promise<void> {
  const csp = await page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href);
  expect({ url: csp, violations: await cspViolations(page) }).toEqual({ url: csp, violations: [] });
}

describe('the public pages are accessible', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('a11y');
  });
  afterAll(() => b?.stop());

  // The pages' CSP forbids inline scripts, axe's included: the browser lets the test's own script in.
  async function open(path: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await b.newPage({ bypassCSP: true, ...(viewport ? { viewport } : {}) });
    const res = await page.goto(`${b.url}${path}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  for (const lang of ['en', 'zh-CN']) {
    it(`the home page in ${lang}`, async () => {
      await expectNoSeriousViolations(await open(`/?lang=${lang}`));
    });

    it(`a campaign page in ${lang}`, async () => {
      await expectNoSeriousViolations(await open(`/campaigns/speech-therapy-fund?lang=${lang}`));
    });

    it(`a closed round's page in ${lang}`, async () => {
      await expectNoSeriousViolations(await open(`/campaigns/${demoRounds(testNow).closed[0]!.slug}?lang=${lang}`));
    });

    it(`a round not open yet in ${lang}`, async () => {
      await expectNoSeriousViolations(await open(`/campaigns/${demoRounds(testNow).upcoming.slug}?lang=${lang}`));
    });

    it(`the mission page in ${lang}`, async () => {
      await expectNoSeriousViolations(await open(`/missions/happy-smile?lang=${lang}`));
    });
  }

  it('the mission page on a phone', async () => {
    await expectNoSeriousViolations(await open('/missions/happy-smile?lang=zh-HK', { width: 390, height: 844 }));
  });

  it('a campaign page on a phone', async () => {
    await expectNoSeriousViolations(await open('/campaigns/speech-therapy-fund', { width: 390, height: 844 }));
  });

  it('the donate form sent back with its errors', async () => {
    const page = await open('/campaigns/speech-therapy-fund');
    await page.locator('#give form button[type=submit]').click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('#amount').getAttribute('aria-invalid')).toBe('true');
    await expectNoSeriousViolations(page);
  });

  it('the thank-you page after paying', async () => {
    const page = await open('/campaigns/speech-therapy-fund');
    await page.locator('#amount').fill('80');
    await page.locator('#name').fill('Lee Ka Yan');
    await page.locator('#email').fill('ka.yan@example.com');
    await page.locator('#give form button[type=submit]').click();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
    // The pending page reloads itself until the webhook lands; check the page the donor ends on.
    await page.locator('.status-confirmed').waitFor();
    await expectNoSeriousViolations(page);
  });

  it('shows keyboard users where they are, starting with a way past the header', async () => {
    const page = await open('/campaigns/speech-therapy-fund');
    const seen: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null; getAttribute(n: string): string | null } } }).document.activeElement;
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
        return { what: `${el.tagName.toLowerCase()} ${el.getAttribute('id') ?? el.getAttribute('href') ?? el.textContent?.trim()}`, outline: `${style.outlineStyle} ${style.outlineWidth}` };
      });
      seen.push(`${focused.what}: ${focused.outline}`);
    }
    expect(seen[0]).toMatch(/^a #main: solid 3px$/);
    expect(seen.filter((line) => !line.endsWith(': solid 3px'))).toEqual([]);
  });

  it('the embeddable donate widget', async () => {
    await expectNoSeriousViolations(await open('/embed/campaigns/speech-therapy-fund'));
  });

  describe('with their Content-Security-Policy enforced', () => {
    /** A page as a donor's browser gets it: the policy applies, and every violation is kept. */
    async function openEnforced(path: string): Promise<Page> {
      const page = await b.newPage();
      await page.addInitScript(recordCspViolations);
      const res = await page.goto(`${b.url}${path}`);
      expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
      // No inline script and no inline style: every page's looks come from site.css, its behaviour from /assets.
      expect(res?.headers()['content-security-policy']).toMatch(/(^|;)script-src 'self';.*(^|;)style-src 'self'(;|$)/);
      return page;
    }

    it('notices a violation when there is one', async () => {
      const page = await openEnforced('/');
      await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { body: { insertAdjacentHTML(where: string, html: string): void } } }).document;
        doc.body.insertAdjacentHTML('beforeend', '<img src="/assets/site.css" onerror="document.title = 1" alt="">');
      });
      const violations = await cspViolations(page);
      expect(violations.filter((v) => v.startsWith('script-src-attr'))).toHaveLength(1);
    });

    const rounds = demoRounds(testNow);
    for (const path of ['/', '/?lang=zh-CN', '/campaigns/speech-therapy-fund', `/campaigns/${rounds.open.slug}`, `/campaigns/${rounds.closed[0]!.slug}`, `/campaigns/${rounds.upcoming.slug}`, '/missions/happy-smile', '/account', '/embed/campaigns/speech-therapy-fund', '/embed/campaigns/speech-therapy-fund/snippet', '/staff/sign-in']) {
      it(`${path} keeps to it`, async () => {
        await expectNoCspViolations(await openEnforced(path));
      });
    }

    it('the donate form sent back with its errors, the pay page\'s way back, and the thank-you page keep to it', async () => {
      const page = await openEnforced('/campaigns/speech-therapy-fund');
      await page.locator('#give form button[type=submit]').click();
      await page.locator('.error-summary').waitFor();
      await expectNoCspViolations(page);
      await page.locator('#amount').fill('90');
      await page.locator('#name').fill('Wong Siu Ming');
      await page.locator('#email').fill('siu.ming@example.com');
      // The form's answer is a redirect to Checkout, which form-action must allow.
      await page.locator('#give form button[type=submit]').click();
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
      await page.locator('.status-confirmed').waitFor();
      await expectNoCspViolations(page);
    });

    it('the staff pages keep to it, the campaign dashboard with its progress bar included', async () => {
      const link = /staff: set the demo administrator's password \(admin@localhost\.test\) at (\S+)/.exec(b.app.output.stdout)?.[1];
      expect(link).toBeDefined();
      const page = await openEnforced(new URL(link!).pathname);
      await expectNoCspViolations(page);
      await page.locator('#password').fill('a long and careful passphrase');
      await page.locator('#confirm').fill('a long and careful passphrase');
      await page.locator('form button[type=submit]').click();
      await page.waitForURL(/\/staff\/sign-in$/);
      await page.locator('#email').fill('admin@localhost.test');
      await page.locator('#password').fill('a long and careful passphrase');
      await page.locator('form button[type=submit]').click();
      await page.waitForURL(/\/staff$/);
      await expectNoCspViolations(page);
      for (const path of ['/staff/campaigns', '/staff/campaigns/speech-therapy-fund', '/staff/missions', '/staff/missions/happy-smile/edit', '/staff/campaigns/speech-therapy-fund/edit']) {
        const res = await page.goto(`${b.url}${path}`);
        expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
        await expectNoCspViolations(page);
      }
    });
  });

  // The donor account is being built alongside; this page is checked as soon as it answers.
  it('the account page', async () => {
    await expectNoSeriousViolations(await open('/account'));
  });
});
