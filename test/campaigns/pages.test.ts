import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { startTestContext, type TestContext } from '../support/context';

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
