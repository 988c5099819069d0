import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { ValidationError } from '../../server/http/errors';
import { postImpactUpdate, splitTitle } from '../../server/impact/post';
import { messages } from '../../server/i18n/messages';
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
    // Plain strings are text in one language: English here, as they hold no Han character.
    expect(Object.keys(update.body_html)).toEqual(['en']);
    const html = update.body_html.en!;
    expect(html).toContain('<strong>152 children</strong>');
    expect(html).toContain('<h3>What the week looked like</h3>');
    expect(html).toContain('<img src="https://photos.example.org/ward.jpg" alt="The ward" />');
    expect(html).toContain('<a href="https://example.org/diary" rel="nofollow noopener">');
    expect(html).toContain('<p>Thank you.</p>');
    for (const unsafe of ['<script', 'alert', 'onerror', 'onclick', 'style=', 'javascript:', '<iframe']) expect(html).not.toContain(unsafe);
    expect(update.title).toEqual({ en: 'The May mission in Kunming' });
    expect(update.body_markdown).toEqual({ en: missionReport.trim() });

    const stored = await t.ctx.db.selectFrom('impact_updates').select(['figures', 'photos', 'total_recipients', 'completed_at']).where('id', '=', update.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({
      figures: [
        { label: { en: 'Children operated' }, value: 152 },
        { label: { en: 'Surgeries' }, value: 160 },
      ],
      photos: [
        { url: 'https://photos.example.org/mei.jpg', alt: { en: 'Mei, four, the day after her surgery' } },
        { url: 'https://photos.example.org/team.jpg', alt: null },
      ],
      total_recipients: null,
      completed_at: null,
    });
  });

  it('shows the campaign’s updates on its page, newest first, with figures and described photos', async () => {
    await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: 'The June mission in Dali',
      bodyMarkdown: missionReport.replace('152 children', '96 children'),
      figures: [{ label: 'Children treated', value: 96 }],
      photos: [{ url: 'https://photos.example.org/lin.jpg', alt: 'Lin, six, back at school' }, { url: 'https://photos.example.org/dali-team.jpg', alt: null }],
    });
    await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: 'Twelve children speak their first words', bodyMarkdown: 'Speech therapy *works*.', figures: [{ label: 'Therapy sessions', value: 1250 }] });
    const page = await request(t.app).get('/campaigns/speech-therapy-fund').expect(200);
    const newest = page.text.indexOf('Twelve children speak their first words');
    const older = page.text.indexOf('The June mission in Dali');
    expect(newest).toBeGreaterThan(-1);
    expect(older).toBeGreaterThan(newest);
    expect(page.text).toContain('<dt>Therapy sessions</dt><dd><strong>1,250</strong></dd>');
    expect(page.text).toContain('<dt>Children treated</dt><dd><strong>96</strong></dd>');
    expect(page.text).toContain('Speech therapy <em>works</em>.');
    expect(page.text).toContain('<strong>96 children</strong>');
    expect(page.text).toContain('alt="Lin, six, back at school"');
    expect(page.text).toContain('alt="Photo 2 from “The June mission in Dali”"');
    expect(page.text).not.toContain('alert');

    // Another campaign's page shows none of them.
    const general = await request(t.app).get('/campaigns/general').expect(200);
    expect(general.text).not.toContain('What your gifts did');
  });

  it('refuses an update with no title, an unknown campaign, a negative figure or a photo not on https', async () => {
    const before = await t.ctx.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const attempt = postImpactUpdate(t.ctx.db, {
      campaignSlug: 'no-such-campaign',
      title: '  ',
      bodyMarkdown: 'Body',
      figures: [{ label: 'Children operated', value: -1 }],
      photos: [{ url: 'http://photos.example.org/mei.jpg', alt: null }],
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect(error.fields).toEqual({
      'title.en': 'Give the English text a title too, or clear its body.',
      figures: 'Figure 1: give a number of 0 or more, such as 152.',
      photos: 'Each photo needs an https:// address and a description of at most 300 characters (got "http://photos.example.org/mei.jpg").',
      campaign: 'There is no campaign "no-such-campaign".',
    });
    const after = await t.ctx.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('shows an update written in English and Simplified Chinese to each reader in theirs: Hong Kong reads the Simplified converted', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: { en: 'Spring surgery', 'zh-CN': '春季手术行动' },
      bodyMarkdown: { en: 'The team operated on **152 children**.', 'zh-CN': '团队为 **152 名儿童**做了手术。' },
      figures: [{ label: { en: 'Children operated', 'zh-CN': '接受手术的儿童' }, value: 152 }],
      photos: [{ url: 'https://photos.example.org/mei-spring.jpg', alt: { en: 'Mei after surgery', 'zh-CN': '术后的小美' } }],
    });
    expect(update.body_html).toEqual({ en: '<p>The team operated on <strong>152 children</strong>.</p>', 'zh-CN': '<p>团队为 <strong>152 名儿童</strong>做了手术。</p>' });
    const page = async (lang: string) => (await request(t.app).get(`/campaigns/speech-therapy-fund?lang=${lang}`).expect(200)).text;
    const anchor = `update-${update.id}`;

    const simplified = await page('zh-CN');
    expect(simplified).toContain(`<h3 id="${anchor}-title">春季手术行动</h3>`);
    expect(simplified).toContain('<div class="impact-update-body"><p>团队为 <strong>152 名儿童</strong>做了手术。</p></div>');
    expect(simplified).toContain('<dt>接受手术的儿童</dt><dd><strong>152</strong></dd>');
    expect(simplified).toContain('<img src="https://photos.example.org/mei-spring.jpg" alt="术后的小美" loading="lazy">');

    const traditional = await page('zh-HK');
    expect(traditional).toContain(`<h3 id="${anchor}-title">春季手術行動</h3>`);
    expect(traditional).toContain('<div class="impact-update-body"><p>團隊為 <strong>152 名兒童</strong>做了手術。</p></div>');
    expect(traditional).toContain('<dt>接受手術的兒童</dt><dd><strong>152</strong></dd>');
    expect(traditional).toContain('alt="術後的小美" loading="lazy"');
    for (const simplifiedOnly of ['春季手术行动', '团队为', '接受手术的儿童', '术后的小美']) expect(traditional).not.toContain(simplifiedOnly);

    const english = await page('en');
    expect(english).toContain(`<h3 id="${anchor}-title">Spring surgery</h3>`);
    expect(english).toContain('<div class="impact-update-body"><p>The team operated on <strong>152 children</strong>.</p></div>');
    expect(english).toContain('<dt>Children operated</dt><dd><strong>152</strong></dd>');
    expect(english).toContain('alt="Mei after surgery" loading="lazy"');
    expect(english).not.toContain('春季手术行动');
  });

  it('shows an update written only in English on a Chinese page as English, marked lang="en" for screen readers', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: { en: 'A letter from the ward' },
      bodyMarkdown: { en: 'Thank you from all of us.' },
      figures: [{ label: { en: 'Nurses' }, value: 12 }],
      photos: [{ url: 'https://photos.example.org/ward-letter.jpg', alt: null }],
    });
    await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: { 'zh-CN': '病房的护士' }, bodyMarkdown: { 'zh-CN': '护士们照顾孩子们。' }, figures: [{ label: { 'zh-CN': '值班护士' }, value: 8 }] });
    const page = (await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-CN').expect(200)).text;
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain(`<h3 id="update-${update.id}-title" lang="en">A letter from the ward</h3>`);
    expect(page).toContain('<div class="impact-update-body" lang="en"><p>Thank you from all of us.</p></div>');
    expect(page).toContain('<dt lang="en">Nurses</dt><dd><strong>12</strong></dd>');
    // A photo without a description of its own is described in the page's language.
    expect(page).toContain('<img src="https://photos.example.org/ward-letter.jpg" alt="“A letter from the ward”的第1张照片" loading="lazy">');
    // Text in the page's own language carries no lang of its own.
    expect(page).toContain('<dt>值班护士</dt><dd><strong>8</strong></dd>');
  });

  it('shows an update written in Simplified to a Hong Kong reader with its words converted and its links’ addresses as written', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: { 'zh-CN': '年度报告' },
      bodyMarkdown: { 'zh-CN': '请阅读[年度报告](https://example.org/报告/年度报告.pdf "年度报告全文")，或访问 https://example.org/关于我们 了解更多。\n\n<a href="https://example.org/里面">里面的照片</a>' },
    });
    const page = (await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-HK').expect(200)).text;
    const body = new RegExp(`id="update-${update.id}-title">年度報告</h3>[^]*?<div class="impact-update-body">([^]*?)</div>`).exec(page)?.[1];
    expect(body).toBe(
      [
        '<p>請閱讀<a href="https://example.org/%E6%8A%A5%E5%91%8A/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf" title="年度報告全文" rel="nofollow noopener">年度報告</a>，或訪問 ',
        '<a href="https://example.org/%E5%85%B3%E4%BA%8E%E6%88%91%E4%BB%AC" rel="nofollow noopener">https://example.org/关于我们</a> 了解更多。</p>\n',
        '<p><a href="https://example.org/里面" rel="nofollow noopener">裡面的照片</a></p>',
      ].join(''),
    );
  });

  it('files a plain title and body under the script they are written in: Traditional under zh-HK, read unconverted', async () => {
    const update = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: '紀念的日子', bodyMarkdown: '我們的帳戶說明。', figures: [{ label: '接受手術的兒童', value: 3 }] });
    expect(update.title).toEqual({ 'zh-HK': '紀念的日子' });
    expect(update.figures).toEqual([{ label: { 'zh-HK': '接受手術的兒童' }, value: 3 }]);
    const page = (await request(t.app).get('/campaigns/speech-therapy-fund?lang=zh-HK').expect(200)).text;
    expect(page).toContain(`<h3 id="update-${update.id}-title">紀念的日子</h3>`);
    expect(page).toContain('<p>我們的帳戶說明。</p>');
    const simplified = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: '纪念的日子', bodyMarkdown: '我们的账户说明。' });
    expect(simplified.title).toEqual({ 'zh-CN': '纪念的日子' });
  });

  it('refuses a title without its body, a body without its title, and an update in no language, and stores nothing', async () => {
    const before = await t.ctx.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const attempt = (input: Partial<Parameters<typeof postImpactUpdate>[1]>) =>
      postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: {}, bodyMarkdown: {}, ...input }).then(
        () => ({}),
        (error: unknown) => (error as ValidationError).fields,
      );
    expect(await attempt({ title: { en: 'Spring', 'zh-CN': '春季' }, bodyMarkdown: { en: 'We operated.', 'zh-HK': '我們做了手術。' } })).toEqual({
      'body.zh-CN': 'Write what the gifts did in 简体中文 too, or clear the 简体中文 title.',
      'title.zh-HK': 'Give the 繁體中文 text a title too, or clear its body.',
    });
    expect(await attempt({ title: { en: '  ' }, bodyMarkdown: { 'zh-CN': ' ' } })).toEqual({ text: 'Write the update in at least one language: a title and what the gifts did.' });
    // In the staff member's language.
    expect(await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: {}, bodyMarkdown: {} }, 'zh-HK').catch((error: ValidationError) => error.fields)).toEqual({ text: messages['zh-HK']['impact.error.nothingWritten'] });
    expect(await attempt({ title: { en: 'x'.repeat(201) }, bodyMarkdown: { en: 'Body' } })).toEqual({ 'title.en': 'Keep the title to 200 characters.' });
    // A figure or a description read in a language the update is written in, but not labelled in it, would mix two languages.
    const both = { title: { en: 'Spring', 'zh-CN': '春季' }, bodyMarkdown: { en: 'We operated.', 'zh-CN': '我们做了手术。' } };
    expect(await attempt({ ...both, figures: [{ label: { en: 'Children' }, value: 1 }, { label: { en: 'Nurses' }, value: 2 }] })).toEqual({ figures: 'Figure 1: label it in 简体中文 too, as the update is written in 简体中文.' });
    expect(await attempt({ ...both, figures: [{ label: { en: 'Children', 'zh-HK': '兒童' }, value: 1 }, { label: { en: 'Nurses', 'zh-CN': '护士' }, value: -2 }] })).toEqual({ figures: 'Figure 2: give a number of 0 or more, such as 152.' });
    expect(await attempt({ ...both, figures: [{ label: {}, value: 1 }] })).toEqual({ figures: 'Figure 1: label it in English too, as the update is written in English.' });
    expect(await attempt({ ...both, photos: [{ url: 'https://photos.example.org/a.jpg', alt: { 'zh-CN': '病房' } }] })).toEqual({ photos: 'Photo 1: describe it in English too, as the update is written in English, or leave it undescribed.' });
    const after = await t.ctx.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('takes the title from the first "# " heading and leaves it out of the body', () => {
    expect(splitTitle('# Mission report\n\nWe operated.\n\n# Not this one\n')).toEqual({ title: 'Mission report', body: 'We operated.\n\n# Not this one\n' });
    expect(splitTitle('No heading here.')).toEqual({ title: undefined, body: 'No heading here.' });
  });
});
