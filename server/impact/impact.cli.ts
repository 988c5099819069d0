// `npm run impact -- --campaign SLUG --file update.md`: posts an impact update and queues it for the
// campaign's donors, until the staff screens arrive.
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
import { postImpactUpdate, splitTitle } from './post';
import { countRecipients } from './impact.repository';

export const usage = `Usage: npm run impact -- --campaign SLUG --file UPDATE.md [options]

  --campaign SLUG    the campaign the update is about, e.g. happy-smile-2026-11
  --file PATH        the update in Markdown
  --title TEXT       the title; otherwise the file's first "# " heading, which then leaves the body
  --figure L=N       a number to show, e.g. --figure "Children operated=152" (repeatable)
  --photo URL [ALT]  an https photo and what it shows, e.g. --photo "https://example.org/a.jpg Mei after surgery" (repeatable)`;

/** A mistake in how the command was called: said in one line, with the usage, and no stack trace. */
class UsageError extends Error {}

export function parseFigure(text: string): ImpactFigure {
  const at = text.lastIndexOf('=');
  const label = text.slice(0, at).trim();
  const number = text.slice(at + 1).replace(/[\s,_]/g, '');
  if (at <= 0 || label === '' || !/^\d+(\.\d+)?$/.test(number)) throw new UsageError(`--figure ${JSON.stringify(text)}: expected LABEL=NUMBER, such as "Children operated=152"`);
  return { label, value: Number(number) };
}

export function parsePhoto(text: string): ImpactPhoto {
  const [url = '', ...alt] = text.trim().split(/\s+/);
  return { url, alt: alt.join(' ') || null };
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
        title: { type: 'string' },
        figure: { type: 'string', multiple: true },
        photo: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return undefined;
  const missing = (['campaign', 'file'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(' and ')}`);
  return {
    campaign: values.campaign!,
    file: values.file!,
    title: values.title,
    figures: (values.figure ?? []).map(parseFigure),
    photos: (values.photo ?? []).map(parsePhoto),
  };
}

async function readMarkdown(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
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
  const source = await readMarkdown(args.file);
  const { title, body } = args.title ? { title: args.title, body: source } : splitTitle(source);
  if (!title) throw new UsageError(`${args.file} has no "# " heading to take the title from: add one, or pass --title`);

  const config = loadConfig(env);
  const missing = [!config.databaseUrl && 'DATABASE_URL', !config.redisUrl && 'REDIS_URL'].filter((name): name is string => Boolean(name));
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required by \`npm run impact\` (it is not set)`));
  const db = createDb(config.databaseUrl!, { max: 2 });
  const redis = createRedis(config.redisUrl!, createLogger({ logLevel: 'silent' }));
  const queues = openQueues(redis, config.redisPrefix);
  try {
    const update = await postImpactUpdate(db, { campaignSlug: args.campaign, title, bodyMarkdown: body, figures: args.figures, photos: args.photos });
    const donors = await countRecipients(db, update);
    out.log(`Posted impact update ${update.id} to ${args.campaign}: "${update.title}" (${plural(update.figures.length, 'figure')}, ${plural(update.photos.length, 'photo')}).`);
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
