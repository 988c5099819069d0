// The one place that reads the environment. Everything else receives a Config.
import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { LocalizedText } from './locale';
import { organisationFrom, organisationVariables, type Organisation } from './organisation';
import { calendarYear, parseFiscalYearStart, type FiscalYearStart } from './fiscal-year';
import { parseStripeRateLimits, stripeBudgetFor, type StripeBudgetLimits, type StripeRateLimits } from './stripe/budget-limits';

const secretVariables = new Set(['DATABASE_URL', 'REDIS_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'SMTP_URL', 'SESSION_SECRET', 'METRICS_TOKEN']);

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

function urlWithProtocols(protocols: string[]) {
  return optionalText.pipe(
    z
      .string()
      .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
        message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      })
      .optional(),
  );
}

// Express's own names for address ranges, an address, or a CIDR range: never "true", which would let
// any visitor choose their address with X-Forwarded-For and so dodge or aim every per-network brake.
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address, bits, ...rest] = value.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

function wholeNumber(min: number, max: number, message: string) {
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
}

/** A whole number, or undefined when unset or empty (an empty value must not read as 0). */
function optionalWholeNumber(min: number, max: number, message: string) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), wholeNumber(min, max, message).optional());
}

/**
 * What receipts say unless RECEIPT_WORDING* say otherwise. Section 88's HK$100 is the donor's total of approved
 * charitable donations in a year of assessment, not a threshold per gift, and it counts gifts to every approved
 * charity: so the receipt says so, and points to the statement for the total given to us.
 */
const defaultReceiptWording = {
  en: 'No goods or services were provided in exchange for this donation. Under section 88 of Hong Kong’s Inland Revenue Ordinance, donations to approved charities may be claimed for deduction when they total HK$100 or more in a year of assessment (1 April to 31 March): the HK$100 is for the year’s total, not for each gift. Your annual statement gives the total of your gifts to us.',
  'zh-CN': '本捐款并无换取任何货品或服务。根据香港《税务条例》第88条，在一个课税年度（4月1日至翌年3月31日）内向认可慈善机构作出的捐款合共达港币100元或以上，可申请扣除；100元是全年合计，并非每笔捐款的门槛。您的年度捐款汇总列明您向本机构捐款的合计金额。',
  'zh-HK': '本捐款並無換取任何貨品或服務。根據香港《稅務條例》第88條，在一個課稅年度（4月1日至翌年3月31日）內向認可慈善機構作出的捐款合共達港幣100元或以上，可申請扣除；100元是全年合計，並非每筆捐款的門檻。您的年度捐款彙總列明您向本機構捐款的合計金額。',
};

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'expected development, test or production' }).default('development'),
  PORT: wholeNumber(0, 65535, 'expected a whole number between 0 and 65535').default(3000),
  BASE_URL: urlWithProtocols(['http:', 'https:']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  DATA_DIR: optionalText,
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'expected 1 to 64 letters, digits, ":", "_" or "-"' }).optional(),
  STRIPE_SECRET_KEY: optionalText.pipe(z.string().regex(/^(sk|rk)_(test|live)_\w+$/, { message: 'expected a Stripe secret key (sk_test_… or sk_live_…)' }).optional()),
  STRIPE_WEBHOOK_SECRET: optionalText.pipe(z.string().regex(/^whsec_\w+$/, { message: 'expected a webhook signing secret (whsec_…)' }).optional()),
  STRIPE_API_URL: urlWithProtocols(['http:', 'https:']),
  STRIPE_WALLETS: z
    .string()
    .trim()
    .default('')
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['alipay', 'wechat_pay'], { message: 'expected a comma-separated list of alipay and wechat_pay, or nothing' }))),
  // Stripe's limits for the account (live unless Stripe raised them, or sandbox), and the share of them the platform uses.
  STRIPE_RATE_LIMITS: z
    .string()
    .trim()
    .default('live')
    .transform((value, context): StripeRateLimits => {
      try {
        return parseStripeRateLimits(value === '' ? 'live' : value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `expected live, sandbox, or limits such as global:100,op:25,POST /v1/checkout/sessions:100: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  STRIPE_RATE_SHARE: wholeNumber(1, 100, 'expected the percentage of Stripe’s limits to use, 1 to 100').default(100),
  DONATION_MAXIMUM: wholeNumber(1, 999_999, 'expected a whole number of major units between 1 and 999999').default(100_000),
  GENERAL_FUND_SLUG: z.string().trim().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'expected a campaign slug such as "general"' }).default('general'),
  SMTP_URL: urlWithProtocols(['smtp:', 'smtps:']),
  // Only the address is used: the sender's name is the organisation's, in each email's language.
  MAIL_FROM: z.string().trim().regex(/^(?:[^<>]*<\s*[^\s<>@]+@[^\s<>@]+\s*>|[^\s<>@]+@[^\s<>@]+)$/, { message: 'expected an address such as giving@example.org' }).default('giving@localhost'),
  SESSION_SECRET: optionalText.pipe(z.string().min(32, { message: 'expected at least 32 random characters' }).optional()),
  ...organisationVariables,
  ORG_TIME_ZONE: z
    .string()
    .trim()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, { message: 'expected an IANA time zone such as Asia/Hong_Kong' })
    .default('Asia/Hong_Kong'),
  // The first day of the fiscal year statements follow, MM-DD: 04-01 for Hong Kong's year of assessment.
  ORG_FISCAL_YEAR_START: optionalText.pipe(
    z
      .string()
      .refine((value) => parseFiscalYearStart(value) !== undefined, { message: 'expected the first day of the fiscal year as MM-DD, such as 04-01 (Hong Kong’s year of assessment) or 01-01 (a calendar year)' })
      .optional(),
  ),
  RECEIPT_WORDING: z.string().trim().min(1, { message: 'expected the sentence printed on every receipt' }).default(defaultReceiptWording.en),
  RECEIPT_WORDING_ZH: z.string().trim().min(1, { message: 'expected the sentence printed on every receipt, in Simplified Chinese' }).optional(),
  // Unset, Hong Kong readers get RECEIPT_WORDING_ZH in Traditional characters.
  RECEIPT_WORDING_ZH_HK: z.string().trim().min(1, { message: 'expected the sentence printed on every receipt, in Traditional Chinese' }).optional(),
  MAIL_CONCURRENCY: wholeNumber(1, 100, 'expected a whole number of emails sent at once, 1 to 100').default(5),
  MAIL_RATE_PER_SECOND: wholeNumber(1, 10_000, 'expected a whole number of emails per second, 1 to 10000').default(20),
  WORKER_NICENESS: wholeNumber(0, 19, 'expected a whole number from 0 (no yielding) to 19 (yield the most)').default(10),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .transform((value): number | string[] => (/^\d+$/.test(value) ? Number(value) : value.split(',').map((part) => part.trim()).filter(Boolean)))
    .refine((value) => (typeof value === 'number' ? value <= 10 : value.length > 0 && value.every(isProxyAddress)), {
      message: 'expected loopback, linklocal, uniquelocal, addresses or CIDR ranges (comma-separated), or a number of proxies from 0 to 10',
    }),
  // Unset, no process serves metrics; 0 picks a free port (tests).
  METRICS_PORT: optionalWholeNumber(0, 65534, 'expected a whole number between 0 and 65534 (the worker takes the next one)'),
  WORKER_METRICS_PORT: optionalWholeNumber(0, 65535, 'expected a whole number between 0 and 65535'),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, { message: 'expected at least 16 random characters' }).optional()),
  CLOCK_START: optionalText.pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, { message: 'expected a moment with its offset, such as 2026-05-20T09:00:00+08:00' })
      .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'expected a real date and time' })
      .transform((value) => new Date(value))
      .optional(),
  ),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  env: Environment['NODE_ENV'];
  port: number;
  /** Public address of the site, without a trailing slash; defaults to http://localhost:PORT. */
  baseUrl: string | undefined;
  logLevel: Environment['LOG_LEVEL'];
  /** Where the local stand-ins keep their data (embedded PostgreSQL, Redis, caught mail). */
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prefix for every Redis key and BullMQ queue, so several deployments or test files can share one Redis. */
  redisPrefix: string;
  /** Whether REDIS_PREFIX chose redisPrefix; `npm start` otherwise keys Redis by its data directory. */
  redisPrefixSet: boolean;
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    apiUrl: string | undefined;
    /** Wallets offered beside cards for one-off CNY and HKD gifts. */
    wallets: Array<'alipay' | 'wechat_pay'>;
    /** The calls a second every web and worker process together may make (STRIPE_RATE_LIMITS × STRIPE_RATE_SHARE); unset, live's. */
    budget?: StripeBudgetLimits;
  };
  donations: {
    /** Largest single gift accepted online, in major units of whatever currency it is given in. */
    maximumMajorUnits: number;
    /** Where a payment that names no campaign is counted (a Payment Link, a Dashboard charge). */
    generalFundSlug: string;
  };
  smtpUrl: string | undefined;
  /** The address emails come from (MAIL_FROM's); the name shown beside it is the organisation's. */
  mailFrom: string;
  sessionSecret: string | undefined;
  /** Who runs the site: every page's header and footer, every email's sender and signature, every receipt. */
  organisation: Organisation;
  /** The charitable-receipt sentence printed on every receipt, in each language receipts are written in. */
  /** The sentence on every receipt; Hong Kong's falls back to the Simplified one in Traditional characters. */
  receiptWording: LocalizedText & { en: string; 'zh-CN': string };
  /** The first day of the fiscal year annual statements follow (ORG_FISCAL_YEAR_START); 1 January unless set. */
  fiscalYearStart: FiscalYearStart;
  mail: { concurrency: number; ratePerSecond: number };
  /** The worker process's CPU niceness, so that beside the web process it yields in a spike: see jobs/worker.ts. */
  workerNiceness: number;
  /** Which hops in front of us may say who the visitor is (X-Forwarded-For): Express's `trust proxy`. */
  trustProxy: number | string[];
  /** Demos and tests only: the moment the process's clock reads at start (it runs on from there); unset, the real time. */
  clockStart: Date | undefined;
  /**
   * Prometheus metrics (METRICS_PORT), off when undefined. Each process serves `/metrics` on its own
   * listener bound to 127.0.0.1, never on the public app: the web process on webPort, the worker on workerPort.
   */
  metrics: { webPort: number; workerPort: number; /** A bearer token scrapers must send, when set. */ token: string | undefined } | undefined;
}

/** A Config whose services are all known: what the web and worker processes run with. */
export type ReadyConfig = Config & {
  databaseUrl: string;
  redisUrl: string;
  sessionSecret: string;
  smtpUrl: string;
  stripe: Config['stripe'] & { secretKey: string; webhookSecret: string };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}\nSee .env.example for every variable and what it expects.`);
    this.name = 'ConfigError';
  }
}

function describeValue(variable: string, value: unknown): string {
  if (value === undefined) return 'it is not set';
  if (secretVariables.has(variable)) return 'the value is hidden';
  return `got ${JSON.stringify(value)}`;
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0]);
        return `${variable}: ${issue.message} (${describeValue(variable, env[variable])})`;
      }),
    );
  }
  const e = parsed.data;
  // A production site whose calendar is not the real one would number receipts in the wrong year.
  if (e.NODE_ENV === 'production' && e.CLOCK_START) throw new ConfigError(['CLOCK_START: for demos and tests only; unset it in production']);
  if (e.METRICS_PORT === undefined && (e.WORKER_METRICS_PORT !== undefined || e.METRICS_TOKEN !== undefined)) {
    throw new ConfigError([`${e.WORKER_METRICS_PORT !== undefined ? 'WORKER_METRICS_PORT' : 'METRICS_TOKEN'}: has no effect without METRICS_PORT; set METRICS_PORT to serve metrics`]);
  }
  // 0 (tests) picks a free port for each process.
  const metrics = e.METRICS_PORT === undefined ? undefined : { webPort: e.METRICS_PORT, workerPort: e.WORKER_METRICS_PORT ?? (e.METRICS_PORT === 0 ? 0 : e.METRICS_PORT + 1), token: e.METRICS_TOKEN };
  if (metrics && metrics.webPort !== 0 && metrics.workerPort === metrics.webPort) {
    // `npm start` runs both in one process: one port cannot serve both.
    throw new ConfigError([`WORKER_METRICS_PORT: must differ from METRICS_PORT (got ${metrics.workerPort} for both)`]);
  }
  for (const [variable, port] of [['METRICS_PORT', metrics?.webPort], ['WORKER_METRICS_PORT', metrics?.workerPort]] as const) {
    // The public site's port would refuse the metrics listener.
    if (port !== undefined && port !== 0 && port === e.PORT) throw new ConfigError([`${variable}: must differ from PORT, the public site’s (got ${port} for both)`]);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    baseUrl: e.BASE_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR ?? '.data',
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX ?? 'smilefund',
    redisPrefixSet: e.REDIS_PREFIX !== undefined,
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiUrl: e.STRIPE_API_URL, wallets: e.STRIPE_WALLETS, budget: stripeBudgetFor(e.STRIPE_RATE_LIMITS, e.STRIPE_RATE_SHARE) },
    donations: { maximumMajorUnits: e.DONATION_MAXIMUM, generalFundSlug: e.GENERAL_FUND_SLUG },
    smtpUrl: e.SMTP_URL,
    mailFrom: /<\s*([^\s<>]+)\s*>/.exec(e.MAIL_FROM)?.[1] ?? e.MAIL_FROM,
    sessionSecret: e.SESSION_SECRET,
    organisation: organisationFrom(e),
    receiptWording: {
      en: e.RECEIPT_WORDING,
      'zh-CN': e.RECEIPT_WORDING_ZH ?? defaultReceiptWording['zh-CN'],
      // Hong Kong's own, else the Simplified one in Traditional characters: the default's own when that is unset too.
      ...(e.RECEIPT_WORDING_ZH_HK ? { 'zh-HK': e.RECEIPT_WORDING_ZH_HK } : e.RECEIPT_WORDING_ZH ? {} : { 'zh-HK': defaultReceiptWording['zh-HK'] }),
    },
    fiscalYearStart: e.ORG_FISCAL_YEAR_START ? parseFiscalYearStart(e.ORG_FISCAL_YEAR_START)! : calendarYear,
    mail: { concurrency: e.MAIL_CONCURRENCY, ratePerSecond: e.MAIL_RATE_PER_SECOND },
    workerNiceness: e.WORKER_NICENESS,
    trustProxy: e.TRUST_PROXY,
    clockStart: e.CLOCK_START,
    metrics,
  };
}

const requiredSettings: Array<[string, (config: Config) => unknown]> = [
  ['DATABASE_URL', (c) => c.databaseUrl],
  ['REDIS_URL', (c) => c.redisUrl],
  ['SESSION_SECRET', (c) => c.sessionSecret],
  ['SMTP_URL', (c) => c.smtpUrl],
  ['STRIPE_SECRET_KEY', (c) => c.stripe.secretKey],
  ['STRIPE_WEBHOOK_SECRET', (c) => c.stripe.webhookSecret],
];

/** The web and worker processes run without local stand-ins, so every service must be named. */
export function requireReadyConfig(config: Config): ReadyConfig {
  const missing = requiredSettings.filter(([, read]) => read(config) === undefined).map(([variable]) => variable);
  // Links in receipts and unsubscribe headers must point at the real site, never at localhost.
  if (config.env === 'production' && config.baseUrl === undefined) missing.push('BASE_URL');
  if (missing.length > 0) {
    throw new ConfigError(missing.map((variable) => `${variable}: required by \`npm run web\` and \`npm run worker\` (it is not set); \`npm start\` provides local stand-ins instead`));
  }
  return config as ReadyConfig;
}

/** Reads `.env` into the process environment when the file exists; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Where the site is reached from outside: BASE_URL, or this machine on the port it listens on. */
export function publicUrl(config: Pick<Config, 'baseUrl' | 'port'>, port = config.port): string {
  return config.baseUrl ?? `http://localhost:${port}`;
}

/**
 * The Redis prefix `npm start` uses: REDIS_PREFIX when set, else one of the data directory's own, stable
 * across restarts, so two local runs sharing one Redis never take each other's jobs.
 */
export function localRedisPrefix(config: Pick<Config, 'redisPrefix' | 'redisPrefixSet' | 'dataDir'>): string {
  if (config.redisPrefixSet) return config.redisPrefix;
  return `smilefund-${createHash('sha256').update(resolve(config.dataDir)).digest('hex').slice(0, 10)}`;
}

/** Cookies are marked Secure when the site is served over https (BASE_URL says so). */
export function secureCookies(config: Pick<Config, 'baseUrl'>): boolean {
  return config.baseUrl?.startsWith('https:') ?? false;
}

/** For process entry points: reads `.env` and the environment, or prints what is wrong and exits 1. */
export function configOrExit<T>(shape: (config: Config) => T): T {
  loadDotEnv();
  try {
    return shape(loadConfig(process.env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
