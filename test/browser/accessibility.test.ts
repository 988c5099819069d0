// The public pages as a screen-reader or keyboard user meets them: axe-core, injected into the real
// page in chromium, must find nothing serious or critical on any of them, in either language.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startBrowserApp, type BrowserApp } from '../support/browser';

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

describe('the public pages are accessible', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('a11y');
  });
  afterAll(() => b?.stop());

  // The pages' CSP forbids inline scripts, axe's included: the browser lets the test's own script in.
  async function open(path: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await b.browser.newPage({ bypassCSP: true, ...(viewport ? { viewport } : {}) });
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
  }

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
    await page.locator('.status-confirmed').waitFor({ timeout: 30_000 });
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

  // The donor account is being built alongside; this page is checked as soon as it answers.
  it('the account page', async () => {
    await expectNoSeriousViolations(await open('/account'));
  });
});
