import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { parseFigure, parseLanguages, runImpactCommand } from '../../server/impact/impact.cli';
import { fanOutJobId } from '../../server/impact/fanout';
import { startTestContext, type TestContext } from '../support/context';
import { seedDonorsWhoGave } from '../support/donors';
import { runScript } from '../support/processes';
import { agreeToNews } from './consent-helpers';

describe('npm run impact', () => {
  let t: TestContext;
  let dir: string;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    const donors = await seedDonorsWhoGave(t.database.db, 'speech-therapy-fund', 3, { prefix: 'cli' });
    await agreeToNews(t.database.db, donors.map((donor) => donor.id));
    // A donor who gave but never asked for news is not counted among those it is queued for.
    await seedDonorsWhoGave(t.database.db, 'speech-therapy-fund', 1, { prefix: 'cli-unasked' });
    dir = mkdtempSync(path.join(tmpdir(), 'smilefund-impact-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const environment = () => ({ DATABASE_URL: t.database.url, REDIS_URL: t.ctx.config.redisUrl, REDIS_PREFIX: t.ctx.config.redisPrefix, BASE_URL: 'https://give.example.org' });
  const impact = (args: string[]) => runScript('server/impact/impact.cli.ts', environment(), args);
  async function impactInProcess(args: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runImpactCommand(args, environment(), { log: (line) => stdout.push(line), error: (line) => stderr.push(line) });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  it('posts an update from a Markdown file, with figures and photos, and queues its fan-out', async () => {
    const file = path.join(dir, 'november.md');
    writeFileSync(file, '# The November mission\n\nThe team operated on **152 children** in ten days.\n');
    const { code, stdout, stderr } = await impact([
      '--campaign', 'speech-therapy-fund',
      '--file', file,
      '--figure', 'Children operated=152',
      '--figure', 'Surgeries=160',
      '--photo', 'https://photos.example.org/mei.jpg Mei, four, the day after her surgery',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const update = await t.ctx.db.selectFrom('impact_updates').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(stdout).toContain(`Posted impact update ${update.id} to speech-therapy-fund: "The November mission" (English; 2 figures, 1 photo).`);
    expect(stdout).toContain(`https://give.example.org/campaigns/speech-therapy-fund#update-${update.id}`);
    expect(stdout).toContain('Queued it for 3 donors');
    expect(update.title).toEqual({ en: 'The November mission' });
    expect(update.body_markdown).toEqual({ en: 'The team operated on **152 children** in ten days.' });
    expect(update.body_html).toEqual({ en: '<p>The team operated on <strong>152 children</strong> in ten days.</p>' });
    expect(update.figures).toEqual([
      { label: { en: 'Children operated' }, value: 152 },
      { label: { en: 'Surgeries' }, value: 160 },
    ]);
    expect(update.photos).toEqual([{ url: 'https://photos.example.org/mei.jpg', alt: { en: 'Mei, four, the day after her surgery' } }]);
    const job = await t.ctx.queues.queue('impact').getJob(fanOutJobId(update.id));
    expect(job?.name).toBe('fanout');
    expect(job?.data).toEqual({ updateId: update.id });
  });

  it('posts an update written in several languages, one file each, with figures and photos labelled in each', async () => {
    const simplified = path.join(dir, 'november.zh-CN.md');
    const traditional = path.join(dir, 'november.zh-HK.md');
    writeFileSync(simplified, '团队在十天里为 **152 名儿童**做了手术。\n');
    writeFileSync(traditional, '# 十一月手術行動\n\n團隊在十天裏為 **152 名兒童**做了手術。\n');
    const { code, stdout, stderr } = await impactInProcess([
      '--campaign', 'speech-therapy-fund',
      // Languages named in any case, as --lang and the prefixes are read as a page's ?lang= is.
      '--lang', 'zh-cn',
      '--file', simplified,
      '--title', '十一月手术行动',
      '--file-zh-HK', traditional,
      '--figure', '接受手术的儿童 | zh-hk:接受手術的兒童=152',
      '--photo', 'https://photos.example.org/mei.jpg 术后的小美 | zh-HK: 術後的小美',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const update = await t.ctx.db.selectFrom('impact_updates').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(stdout).toContain(`Posted impact update ${update.id} to speech-therapy-fund: "十一月手术行动" (简体中文, 繁體中文; 1 figure, 1 photo).`);
    expect(update).toMatchObject({
      title: { 'zh-CN': '十一月手术行动', 'zh-HK': '十一月手術行動' },
      body_markdown: { 'zh-CN': '团队在十天里为 **152 名儿童**做了手术。', 'zh-HK': '團隊在十天裏為 **152 名兒童**做了手術。' },
      figures: [{ label: { 'zh-CN': '接受手术的儿童', 'zh-HK': '接受手術的兒童' }, value: 152 }],
      photos: [{ url: 'https://photos.example.org/mei.jpg', alt: { 'zh-CN': '术后的小美', 'zh-HK': '術後的小美' } }],
    });
  });

  it('reads a label’s languages from prefixes that name one, in any case, and anything else as text', () => {
    expect(parseLanguages('en:Children | ZH-HK: 兒童 | zh-cn:儿童', 'en', '--figure')).toEqual({ en: 'Children', 'zh-HK': '兒童', 'zh-CN': '儿童' });
    expect(parseLanguages('Day 1: arrival', 'en', '--figure')).toEqual({ en: 'Day 1: arrival' });
    expect(parseLanguages('Note:bring food | zh-Hant:帶食物', 'en', '--photo')).toEqual({ en: 'Note:bring food', 'zh-HK': '帶食物' });
    expect(parseFigure('Children operated=1 200')).toEqual({ label: { en: 'Children operated' }, value: 1200 });
  });

  it('says what is wrong, without a stack trace, and exits 1 on bad arguments', async () => {
    const file = path.join(dir, 'untitled.md');
    writeFileSync(file, 'No heading in this one.\n');
    const cases: Array<[string[], string]> = [
      [['--file', file], 'impact: missing --campaign'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--colour', 'red'], "impact: Unknown option '--colour'"],
      [['--campaign', 'speech-therapy-fund', '--file', path.join(dir, 'missing.md')], 'impact: cannot read'],
      [['--campaign', 'speech-therapy-fund', '--file', file], 'has no "# " heading to take the title from'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--title', 'T', '--figure', 'Children operated'], 'impact: --figure "Children operated": expected LABEL=NUMBER'],
      [['--campaign', 'no-such-campaign', '--file', file, '--title', 'T'], 'impact: the update was not posted:\n  campaign: There is no campaign "no-such-campaign".'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--title', 'T', '--photo', 'http://photos.example.org/a.jpg'], '  photos: Each photo needs an https:// address'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--title', 'T', '--lang', 'fr'], 'impact: --lang "fr": expected one of en, zh-CN, zh-HK'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--title', 'T', '--file-en', file], 'impact: --file is in en (--lang), and so is --file-en'],
      [['--campaign', 'speech-therapy-fund', '--file-zh-CN', file], `${file} has no "# " heading to take the title from: add one\n`],
      [['--campaign', 'speech-therapy-fund', '--file-zh-CN', file, '--title', 'T'], 'impact: --title is the title of --file, which is missing'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--title', 'T', '--figure', 'Children | Kids=3'], 'impact: --figure "Children | Kids=3": two texts in en'],
      [['--campaign', 'speech-therapy-fund', '--file', file, '--title', 'T', '--figure', 'Children=3', '--figure', 'zh-CN:护士=2'], '  figures: Figure 2: label it in English too, as the update is written in English.'],
    ];
    const countUpdates = async () => (await t.ctx.db.selectFrom('impact_updates').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await countUpdates();
    // In this process: how a spawned run ends is shown above, and each spawn costs a second of CPU.
    const results = await Promise.all(cases.map(([args]) => impactInProcess(args)));
    results.forEach((result, i) => {
      expect({ args: cases[i]![0], code: result.code }).toEqual({ args: cases[i]![0], code: 1 });
      expect(result.stderr).toContain(cases[i]![1]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
    expect(await countUpdates()).toBe(before);
  });
});
