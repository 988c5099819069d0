// `npm run impact -- --campaign SLUG --file update.md`: posts an impact update, in one language or
// several, and queues it for the campaign's donors (the staff dashboard does the same from a form).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDb } from '../database';
import type { ImpactFigure, ImpactPhoto } from '../tables/impact-updates.table';
import { openQueues } from '../queues';
import { ConfigError, loadConfig, loadDotEnv, publicUrl } from '../config';
import { ValidationError } from '../http/errors';
import { createLogger } from '../logger';
import { createRedis } from '../redis';
import { queueImpactFanOut } from './fanout';
import { parseFigureValue, postImpactUpdate, splitTitle } from './post';
import { countRecipients } from './impact.repository';
import { asLocale } from '../http/language';
import { defaultLocale, languageNames, localize, locales, type Locale, type LocalizedText } from '../locale';

export const usage = `Usage: npm run impact -- --campaign SLUG --file UPDATE.md [options]

  --campaign SLUG    the campaign the update is about, e.g. happy-smile-2026-11
  --file PATH        the update in Markdown, in the language --lang names
  --lang LANG        the language of --file, --title and of labels and descriptions given without one:
                     en (the default), zh-CN or zh-HK
  --file-en PATH, --file-zh-CN PATH, --file-zh-HK PATH
                     the update in that language as well (or instead of --file); its first "# " heading is its title.
                     A language left out is read in another: zh-HK from zh-CN converted (and back), else English
  --title TEXT       the title of --file; otherwise its first "# " heading, which then leaves the body
  --figure L=N       a number to show, e.g. --figure "Children operated=152" (repeatable); label it in each language
                     the update is in: --figure "en:Children operated | zh-CN:接受手术的儿童 | zh-HK:接受手術的兒童=152"
  --photo URL [ALT]  an https photo and what it shows, e.g. --photo "https://example.org/a.jpg Mei after surgery"
                     (repeatable); describe it in several languages as figures are labelled:
                     --photo "https://example.org/a.jpg en:Mei after surgery | zh-CN:术后的小美"`;

/** A mistake in how the command was called: said in one line, with the usage, and no stack trace. */
class UsageError extends Error {}

const fileOptions = { en: 'file-en', 'zh-CN': 'file-zh-CN', 'zh-HK': 'file-zh-HK' } as const satisfies Record<Locale, string>;

/**
 * "Children operated", or "en:Children operated | zh-CN:接受手术的儿童": a text in `lang`, or in the languages
 * it names, as --lang names them ("zh-hk:" is zh-HK). A prefix that names no language ("Day 1:", "Note:") is text.
 */
export function parseLanguages(text: string, lang: Locale, argument: string): LocalizedText {
  const texts: LocalizedText = {};
  for (const part of text.split('|')) {
    const prefix = /^\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*):(.*)$/s.exec(part);
    const named = prefix ? asLocale(prefix[1]) : undefined;
    const locale = named ?? lang;
    if (texts[locale] !== undefined) throw new UsageError(`${argument}: two texts in ${locale}; name each one's language, as in "en:… | zh-CN:…"`);
    texts[locale] = (named ? prefix![2]! : part).trim();
  }
  return texts;
}

export function parseFigure(text: string, lang: Locale = defaultLocale): ImpactFigure {
  const at = text.lastIndexOf('=');
  const label = text.slice(0, Math.max(0, at)).trim();
  const value = parseFigureValue(text.slice(at + 1));
  if (at <= 0 || label === '' || value === undefined) throw new UsageError(`--figure ${JSON.stringify(text)}: expected LABEL=NUMBER, such as "Children operated=152"`);
  return { label: parseLanguages(label, lang, `--figure ${JSON.stringify(text)}`), value };
}

export function parsePhoto(text: string, lang: Locale = defaultLocale): ImpactPhoto {
  const [url = '', ...words] = text.trim().split(/\s+/);
  const alt = words.join(' ');
  return { url, alt: alt ? parseLanguages(alt, lang, `--photo ${JSON.stringify(text)}`) : null };
}

function readArguments(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        campaign: { type: 'string' },
        file: { type: 'string' },
        lang: { type: 'string' },
        [fileOptions.en]: { type: 'string' },
        [fileOptions['zh-CN']]: { type: 'string' },
        [fileOptions['zh-HK']]: { type: 'string' },
        title: { type: 'string' },
        figure: { type: 'string', multiple: true },
        photo: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (values.help) return undefined;
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const lang = text('lang') === undefined ? defaultLocale : asLocale(text('lang'));
  if (!lang) throw new UsageError(`--lang ${JSON.stringify(text('lang'))}: expected one of ${locales.join(', ')}`);
  const files: Partial<Record<Locale, string>> = {};
  for (const locale of locales) {
    const file = text(fileOptions[locale]);
    if (file) files[locale] = file;
  }
  const file = text('file');
  if (file && files[lang]) throw new UsageError(`--file is in ${lang} (--lang), and so is --${fileOptions[lang]}: give one file per language`);
  if (file) files[lang] = file;
  const missing = [!text('campaign') && '--campaign', Object.keys(files).length === 0 && '--file'].filter((name): name is string => Boolean(name));
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(' and ')}`);
  if (text('title') && !file) throw new UsageError('--title is the title of --file, which is missing');
  const list = (name: string) => (Array.isArray(values[name]) ? values[name] : []);
  return {
    campaign: text('campaign')!,
    lang,
    files,
    title: text('title'),
    figures: list('figure').map((figure) => parseFigure(figure, lang)),
    photos: list('photo').map((photo) => parsePhoto(photo, lang)),
  };
}

async function readMarkdown(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Each language's title and body, from its file: the title given for --file, else the file's first heading. */
async function readTexts(args: NonNullable<ReturnType<typeof readArguments>>): Promise<{ title: LocalizedText; body: LocalizedText }> {
  const title: LocalizedText = {};
  const body: LocalizedText = {};
  for (const locale of locales) {
    const file = args.files[locale];
    if (!file) continue;
    const source = await readMarkdown(file);
    const given = locale === args.lang ? args.title : undefined;
    const text = given ? { title: given, body: source } : splitTitle(source);
    if (!text.title) throw new UsageError(`${file} has no "# " heading to take the title from: add one${locale === args.lang ? ', or pass --title' : ''}`);
    title[locale] = text.title;
    body[locale] = text.body;
  }
  return { title, body };
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Where a command writes: the console when run, a list in a test. */
export interface CommandOutput {
  log(line: string): void;
  error(line: string): void;
}

async function postFromCommandLine(argv: string[], env: NodeJS.ProcessEnv, out: CommandOutput): Promise<void> {
  const args = readArguments(argv);
  if (!args) {
    out.log(usage);
    return;
  }
  const { title, body } = await readTexts(args);

  const config = loadConfig(env);
  const missing = [!config.databaseUrl && 'DATABASE_URL', !config.redisUrl && 'REDIS_URL'].filter((name): name is string => Boolean(name));
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required by \`npm run impact\` (it is not set)`));
  const db = createDb(config.databaseUrl!, { max: 2 });
  const redis = createRedis(config.redisUrl!, createLogger({ logLevel: 'silent' }));
  const queues = openQueues(redis, config.redisPrefix);
  try {
    const update = await postImpactUpdate(db, { campaignSlug: args.campaign, title, bodyMarkdown: body, figures: args.figures, photos: args.photos });
    const donors = await countRecipients(db, update);
    const languages = locales.filter((locale) => update.title[locale]).map((locale) => languageNames[locale]);
    out.log(`Posted impact update ${update.id} to ${args.campaign}: "${localize(update.title, args.lang)}" (${languages.join(', ')}; ${plural(update.figures.length, 'figure')}, ${plural(update.photos.length, 'photo')}).`);
    out.log(`It is on ${publicUrl(config, config.port)}/campaigns/${args.campaign}#update-${update.id}`);
    try {
      await queueImpactFanOut({ queues }, update.id);
      out.log(`Queued it for ${plural(donors, 'donor')}; the worker sends it at the mail rate.`);
    } catch {
      // The update is stored; the worker's resume-impact-updates chore fans it out within minutes.
      out.log(`Redis did not answer, so it is not queued yet: the worker will send it to ${plural(donors, 'donor')} within about five minutes.`);
    }
  } finally {
    await queues.close();
    redis.disconnect();
    await db.destroy();
  }
}

/** The whole command: posts the update, or says in a line or two what is wrong; resolves with the exit code. */
export async function runImpactCommand(argv: string[], env: NodeJS.ProcessEnv, out: CommandOutput): Promise<number> {
  try {
    await postFromCommandLine(argv, env, out);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) out.error(`impact: ${error.message}\n\n${usage}`);
    else if (error instanceof ValidationError) out.error(`impact: the update was not posted:\n${Object.entries(error.fields).map(([field, message]) => `  ${field}: ${message}`).join('\n')}`);
    else if (error instanceof ConfigError) out.error(error.message);
    else out.error(`impact: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  loadDotEnv();
  void runImpactCommand(process.argv.slice(2), process.env, console).then((code) => {
    process.exitCode = code;
  });
}
