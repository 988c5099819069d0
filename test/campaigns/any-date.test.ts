// The demo site on any day of the year: seeded and served with the clock at that moment, every page the
// home page links to answers, and so does every round the seed made, whatever the calendar says.
import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { startTestContext, type TestContext } from '../support/context';

const moments = [
  ['New Year’s Day, just after midnight in Hong Kong (still 31 December in UTC)', '2027-01-01T00:30:00+08:00'],
  ['the day the July round closes', '2026-07-31T12:00:00+08:00'],
  ['the day after it closed', '2026-08-01T12:00:00+08:00'],
  ['the last half hour of the November round in UTC', '2026-11-30T23:30:00Z'],
  ['New Year’s Eve', '2026-12-31T23:30:00+08:00'],
] as const;

/** Every address on our own site that a page links to, without its fragment, once each. */
function ownLinks(html: string): string[] {
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&').replace(/#.*$/, ''));
  return [...new Set(hrefs.filter((href) => href.startsWith('/') && !href.startsWith('//')))].sort();
}

describe.each(moments)('the demo site on %s', (_name, moment) => {
  const now = new Date(moment);
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ clockStart: now });
    await seedDemoData(t.database.db, now);
  });
  afterAll(() => t.close());

  it('answers 200 for the home page and every page it links to, in each language', async () => {
    for (const home of ['/', '/?lang=zh-CN']) {
      const page = await request(t.app).get(home).expect(200);
      const links = ownLinks(page.text);
      expect(links).toEqual(expect.arrayContaining(['/campaigns/speech-therapy-fund', '/campaigns/general', `/campaigns/${demoRounds(now).open.slug}`]));
      const answers = await Promise.all(links.map(async (link) => [link, (await request(t.app).get(link)).status] as const));
      expect(answers.filter(([, status]) => status !== 200)).toEqual([]);
    }
  });

  it('serves the open round with its form and the closed rounds without one', async () => {
    const { open, closed } = demoRounds(now);
    const openPage = await request(t.app).get(`/campaigns/${open.slug}`).expect(200);
    expect(openPage.text).toContain(`<h1>${open.title}</h1>`);
    expect(openPage.text).toContain(`action="/campaigns/${open.slug}/donate#give"`);
    for (const round of closed) {
      const page = await request(t.app).get(`/campaigns/${round.slug}`).expect(200);
      expect(page.text).toContain(`<h1>${round.title}</h1>`);
      expect(page.text).not.toContain(`action="/campaigns/${round.slug}/donate`);
    }
  });
});
