// A campaign manager posts an impact update from the dashboard in one language or several: a title and body
// per language, one number per figure labelled in each; mistakes are said beside the field, and the list
// and the notice show each update in the manager's language.
import { seedDemoData } from '../../dev/seed';
import { translate } from '../../server/i18n/messages';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { fieldError, fieldsInError, inputValue, textareaValue } from '../support/html';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';

const dashboard = '/staff/campaigns/speech-therapy-fund';
const postTo = `${dashboard}/impact-updates`;

/** The form as a browser sends it: every field, the empty ones too, and one entry per table row. */
function anImpactForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const rows = (...values: string[]) => [...values, '', '', '', '', ''].slice(0, 5);
  return {
    impact_title_en: '',
    impact_body_en: '',
    impact_title_zh: '',
    impact_body_zh: '',
    impact_title_zh_hk: '',
    impact_body_zh_hk: '',
    impact_figure_value: rows(),
    impact_figure_label_en: rows(),
    impact_figure_label_zh: rows(),
    impact_figure_label_zh_hk: rows(),
    impact_photo_url: rows(),
    impact_photo_alt_en: rows(),
    impact_photo_alt_zh: rows(),
    impact_photo_alt_zh_hk: rows(),
    ...overrides,
  };
}

describe('posting an impact update in each language from the dashboard', () => {
  let t: TestContext;
  let manager: StaffAgent;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    manager = await signInAs(t.app, (await aStaffMember(t.database.db, ['campaign_manager'])).email);
  });
  afterAll(() => t.close());

  const countUpdates = async () => Number((await t.database.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('offers a title and body per language, and a table of figures with one number and a label per language', async () => {
    const page = (await manager.agent.get(`${dashboard}?lang=en`).expect(200)).text;
    for (const [suffix, lang, name] of [['en', 'en', 'English'], ['zh', 'zh-CN', '简体中文'], ['zh_hk', 'zh-HK', '繁體中文']]) {
      expect(page).toContain(`<legend lang="${lang}">${name}</legend>`);
      expect(page).toContain(`<input id="impact_title_${suffix}" name="impact_title_${suffix}" lang="${lang}" maxlength="200" value=""`);
      expect(page).toContain(`<textarea id="impact_body_${suffix}" name="impact_body_${suffix}" lang="${lang}"`);
    }
    expect(page).toContain('Readers of a language left empty get another');
    expect(page).toContain('<th scope="col">Number</th><th scope="col">Label (English)</th><th scope="col">Label (简体中文)</th><th scope="col">Label (繁體中文)</th>');
    expect(page.match(/name="impact_figure_value"/g)).toHaveLength(5);
    expect(page).toContain('aria-label="Figure 2: label in 简体中文"');
    expect(page.match(/name="impact_photo_url"/g)).toHaveLength(3);
  });

  it('says beside the field what is missing, keeps what was typed, and stores nothing', async () => {
    const before = await countUpdates();
    const nothing = await manager.post(`${postTo}?lang=en`, anImpactForm()).expect(422);
    expect(fieldsInError(nothing.text)).toEqual(['impact_title_en']);
    expect(fieldError(nothing.text, 'impact_title_en')).toBe('Write the update in at least one language: a title and what the gifts did.');

    const halfChinese = await manager
      .post(`${postTo}?lang=en`, anImpactForm({ impact_title_en: 'Spring surgery', impact_body_en: 'We operated on **152 children**.', impact_title_zh: '春季手术行动', impact_figure_value: ['1,200', '', '', '', ''] }))
      .expect(422);
    expect(fieldsInError(halfChinese.text)).toEqual(['impact_body_zh', 'impact_figures']);
    expect(fieldError(halfChinese.text, 'impact_body_zh')).toBe('Write what the gifts did in 简体中文 too, or clear the 简体中文 title.');
    expect(fieldError(halfChinese.text, 'impact_figures')).toBe('Figure 1: label it in English too, as the update is written in English.');
    expect(halfChinese.text).toContain('<li><a href="#impact_body_zh">');
    expect(inputValue(halfChinese.text, 'impact_title_zh')).toBe('春季手术行动');
    expect(inputValue(halfChinese.text, 'impact_title_en')).toBe('Spring surgery');
    expect(textareaValue(halfChinese.text, 'impact_body_en')).toBe('We operated on **152 children**.');
    expect(halfChinese.text).toContain('aria-label="Figure 1: number" value="1,200"');

    const unlabelled = await manager
      .post(
        `${postTo}?lang=zh-HK`,
        anImpactForm({
          impact_title_en: 'Spring surgery',
          impact_body_en: 'We operated.',
          impact_title_zh: '春季手术行动',
          impact_body_zh: '我们做了手术。',
          impact_figure_value: ['152', 'many', '', '', ''],
          impact_figure_label_en: ['Children operated', 'Nurses', '', '', ''],
          impact_figure_label_zh: ['接受手术的儿童', '护士', '', '', ''],
        }),
      )
      .expect(422);
    expect(fieldError(unlabelled.text, 'impact_figures')).toBe(translate('zh-HK', 'impact.error.figureNumber', { row: 2 }));
    expect(await countUpdates()).toBe(before);
  });

  it('stores each language, one number per figure, and shows the update in the manager’s language', async () => {
    const posted = await manager
      .post(
        `${postTo}?lang=en`,
        anImpactForm({
          impact_title_en: 'Spring surgery',
          impact_body_en: 'We operated on **152 children**.',
          impact_title_zh: '春季手术行动',
          impact_body_zh: '我们为 **152 名儿童**做了手术。',
          // A row left blank between two is skipped: the figures are numbered as they are read.
          impact_figure_value: ['152', '', '1,200', '', ''],
          impact_figure_label_en: ['Children operated', '', 'Volunteer hours', '', ''],
          impact_figure_label_zh: ['接受手术的儿童', '', '志愿服务时数', '', ''],
          impact_photo_url: ['https://photos.example.org/ward.jpg', '', ''],
          impact_photo_alt_en: ['The ward after surgery', '', ''],
          impact_photo_alt_zh: ['术后的病房', '', ''],
        }),
      )
      .expect(303);
    const update = await t.database.db.selectFrom('impact_updates').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(posted.headers.location).toBe(`${dashboard}?posted=${update.id}&queued=1#impact-updates`);
    expect(update).toMatchObject({
      title: { en: 'Spring surgery', 'zh-CN': '春季手术行动' },
      body_markdown: { en: 'We operated on **152 children**.', 'zh-CN': '我们为 **152 名儿童**做了手术。' },
      body_html: { en: '<p>We operated on <strong>152 children</strong>.</p>', 'zh-CN': '<p>我们为 <strong>152 名儿童</strong>做了手术。</p>' },
      figures: [
        { label: { en: 'Children operated', 'zh-CN': '接受手术的儿童' }, value: 152 },
        { label: { en: 'Volunteer hours', 'zh-CN': '志愿服务时数' }, value: 1200 },
      ],
      photos: [{ url: 'https://photos.example.org/ward.jpg', alt: { en: 'The ward after surgery', 'zh-CN': '术后的病房' } }],
    });
    const audit = await t.database.db.selectFrom('audit_log').select('after').where('action', '=', 'impact_update.posted').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ campaign: 'speech-therapy-fund', title: { en: 'Spring surgery', 'zh-CN': '春季手术行动' } });

    // A Hong Kong manager reads the Simplified title converted, in the notice and in the list.
    const inHongKong = (await manager.agent.get(`${posted.headers.location!.replace('#impact-updates', '')}&lang=zh-HK`).expect(200)).text;
    expect(inHongKong).toContain('<p>已發佈「春季手術行動」。');
    expect(inHongKong).toContain(`<a href="/campaigns/speech-therapy-fund#update-${update.id}">春季手術行動</a>`);
    expect(inHongKong).toContain('<td><span lang="en">English</span>、<span lang="zh-CN">简体中文</span></td>');
    const inEnglish = (await manager.agent.get(`${dashboard}?lang=en`).expect(200)).text;
    expect(inEnglish).toContain(`<a href="/campaigns/speech-therapy-fund#update-${update.id}">Spring surgery</a>`);
  });

  it('marks an update written only in English as English on a Chinese dashboard, in the list and in the notice', async () => {
    const posted = await manager.post(`${postTo}?lang=zh-CN`, anImpactForm({ impact_title_en: 'A letter from the ward', impact_body_en: 'Thank you.' })).expect(303);
    const id = /posted=(\d+)/.exec(posted.headers.location!)![1];
    const page = (await manager.agent.get(`${dashboard}?posted=${id}&queued=1&lang=zh-CN`).expect(200)).text;
    expect(page).toContain('<p>已发布“<span lang="en">A letter from the ward</span>”。');
    expect(page).toContain(`<td lang="en"><a href="/campaigns/speech-therapy-fund#update-${id}">A letter from the ward</a></td>`);
  });
});
