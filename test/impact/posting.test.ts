import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { ValidationError } from '../../server/http/errors';
import { postImpactUpdate, splitTitle } from '../../server/impact/post';
import { startTestContext, type TestContext } from '../support/context';

const missionReport = `We operated on **152 children** in Kunming.<script>alert("stolen")</script>

## What the week looked like

<img src="https://photos.example.org/ward.jpg" onerror="alert(1)" alt="The ward">
<img src="javascript:alert(2)">

[Read the surgeon's diary](https://example.org/diary) and [nothing here](javascript:alert(3)).

<p style="color:red" onclick="alert(4)">Thank you.</p>
<iframe src="https://evil.example"></iframe>
`;

describe('posting an impact update', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(() => t.close());

  it('renders the Markdown to HTML and strips scripts, event handlers, styles and unsafe links', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: 'The May mission in Kunming',
      bodyMarkdown: missionReport,
      figures: [
        { label: 'Children operated', value: 152 },
        { label: 'Surgeries', value: 160 },
      ],
      photos: [{ url: 'https://photos.example.org/mei.jpg', alt: 'Mei, four, the day after her surgery' }, { url: 'https://photos.example.org/team.jpg', alt: null }],
    });
    expect(update.body_html).toContain('<strong>152 children</strong>');
    expect(update.body_html).toContain('<h3>What the week looked like</h3>');
    expect(update.body_html).toContain('<img src="https://photos.example.org/ward.jpg" alt="The ward" />');
    expect(update.body_html).toContain('<a href="https://example.org/diary" rel="nofollow noopener">');
    expect(update.body_html).toContain('<p>Thank you.</p>');
    for (const unsafe of ['<script', 'alert', 'onerror', 'onclick', 'style=', 'javascript:', '<iframe']) expect(update.body_html).not.toContain(unsafe);
    expect(update.body_markdown).toBe(missionReport.trim());

    const stored = await t.ctx.db.selectFrom('impact_updates').select(['figures', 'photos', 'total_recipients', 'completed_at']).where('id', '=', update.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({
      figures: [
        { label: 'Children operated', value: 152 },
        { label: 'Surgeries', value: 160 },
      ],
      photos: [
        { url: 'https://photos.example.org/mei.jpg', alt: 'Mei, four, the day after her surgery' },
        { url: 'https://photos.example.org/team.jpg', alt: null },
      ],
      total_recipients: null,
      completed_at: null,
    });
  });

  it('shows the campaign’s updates on its page, newest first, with figures and described photos', async () => {
    await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: 'Twelve children speak their first words', bodyMarkdown: 'Speech therapy *works*.', figures: [{ label: 'Therapy sessions', value: 1250 }] });
    const page = await request(t.app).get('/campaigns/speech-therapy-fund').expect(200);
    const newest = page.text.indexOf('Twelve children speak their first words');
    const older = page.text.indexOf('The May mission in Kunming');
    expect(newest).toBeGreaterThan(-1);
    expect(older).toBeGreaterThan(newest);
    expect(page.text).toContain('<dt>Therapy sessions</dt><dd><strong>1,250</strong></dd>');
    expect(page.text).toContain('<dt>Children operated</dt><dd><strong>152</strong></dd>');
    expect(page.text).toContain('Speech therapy <em>works</em>.');
    expect(page.text).toContain('<strong>152 children</strong>');
    expect(page.text).toContain('alt="Mei, four, the day after her surgery"');
    expect(page.text).toContain('alt="Photo 2 from “The May mission in Kunming”"');
    expect(page.text).not.toContain('alert');

    // Another campaign's page shows none of them.
    const general = await request(t.app).get('/campaigns/general').expect(200);
    expect(general.text).not.toContain('What your gifts did');
  });

  it('refuses an update with no title, an unknown campaign, a negative figure or a photo not on https', async () => {
    const attempt = postImpactUpdate(t.ctx.db, {
      campaignSlug: 'no-such-campaign',
      title: '  ',
      bodyMarkdown: 'Body',
      figures: [{ label: 'Children operated', value: -1 }],
      photos: [{ url: 'http://photos.example.org/mei.jpg', alt: null }],
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect(Object.keys(error.fields).sort()).toEqual(['campaign', 'figures', 'photos', 'title']);
    expect(error.fields.campaign).toBe('There is no campaign "no-such-campaign".');
    const count = await t.ctx.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });

  it('takes the title from the first "# " heading and leaves it out of the body', () => {
    expect(splitTitle('# Mission report\n\nWe operated.\n\n# Not this one\n')).toEqual({ title: 'Mission report', body: 'We operated.\n\n# Not this one\n' });
    expect(splitTitle('No heading here.')).toEqual({ title: undefined, body: 'No heading here.' });
  });
});
