// `npm start`: the whole platform in one process. Any service the environment does not name is
// replaced by a local stand-in, so a fresh clone runs with no configuration at all.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDb } from '../server/database';
import { migrateToLatest } from '../db/migrate';
import { seedDemoData } from './seed';
import { startWorker } from '../jobs/worker';
import { clockFor } from '../server/clock';
import { ConfigError, configOrExit, localRedisPrefix, type Config, type ReadyConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { startWeb } from '../server/main';
import { stopOnSignals } from '../server/lifecycle';
import { inviteStaff } from '../server/staff/members';
import { startMailCatcher } from './mail-catcher';
import { startEmbeddedPostgres, type LocalService } from './postgres';
import { onPreferredPort } from './ports';
import { findOrStartRedis } from './redis';
import { startStripeEmulator, type StripeEmulator } from './stripe-emulator/index';
import { stripeLoadFromEnv } from './stripe-emulator/load';
import { deliveryFromEnv } from './stripe-emulator/webhooks';

function hostOf(url: string): string {
  const { host, pathname } = new URL(url);
  return `${host}${pathname === '/' ? '' : pathname}`;
}

function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

async function main(): Promise<void> {
  const config: Config = configOrExit((c) => c);
  const logger = createLogger(config);
  mkdirSync(config.dataDir, { recursive: true });
  const standIns: LocalService[] = [];
  const stopStandIns = async () => {
    for (const service of standIns.reverse()) await service.stop().catch(() => undefined);
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl) console.log(`postgres: ${hostOf(databaseUrl)} (DATABASE_URL)`);
    else {
      const postgres = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
      standIns.push(postgres);
      databaseUrl = postgres.url;
      console.log(`postgres: ${postgres.description}`);
    }

    let redisUrl = config.redisUrl;
    if (redisUrl) console.log(`redis: ${hostOf(redisUrl)} (REDIS_URL)`);
    else {
      const redis = await findOrStartRedis(path.join(config.dataDir, 'redis'));
      standIns.push(redis);
      redisUrl = redis.url;
      console.log(`redis: ${redis.description}`);
    }
    const redisPrefix = localRedisPrefix(config);
    console.log(`redis prefix: ${redisPrefix} (${config.redisPrefixSet ? 'REDIS_PREFIX' : `this data directory's own; set REDIS_PREFIX to choose`})`);

    let stripe = config.stripe;
    let emulator: StripeEmulator | undefined;
    if (stripe.secretKey) {
      if (!stripe.webhookSecret) throw new ConfigError(['STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (it is not set); `stripe listen` prints one']);
      console.log(`stripe: ${stripe.apiUrl ?? 'api.stripe.com'} (STRIPE_SECRET_KEY)`);
    } else {
      // Webhooks as Stripe sends them (several at once, out of order, some twice) unless STRIPE_EMULATOR_DELIVERY=ordered.
      const delivery = deliveryFromEnv(process.env);
      emulator = await onPreferredPort(12111, (port) =>
        startStripeEmulator({ port, stateFile: path.join(config.dataDir, 'stripe.json'), clockStart: config.clockStart, load: stripeLoadFromEnv(process.env), delivery }),
      );
      standIns.push({ url: emulator.url, description: 'stripe emulator', stop: emulator.stop });
      stripe = { ...stripe, secretKey: emulator.secretKey, webhookSecret: emulator.webhookSecret, apiUrl: emulator.url };
      console.log(`stripe: local emulator on ${emulator.url}, state in ${path.join(config.dataDir, 'stripe.json')} (test card 4242 4242 4242 4242)`);
      console.log(`stripe: webhooks ${delivery ? 'as Stripe sends them: several at once, out of order, some twice' : 'one at a time, in order, once'} (STRIPE_EMULATOR_DELIVERY=${delivery ? 'stripe' : 'ordered'})`);
    }

    let smtpUrl = config.smtpUrl;
    const mailCatcher = smtpUrl ? undefined : await startMailCatcher(path.join(config.dataDir, 'mail'));
    if (mailCatcher) {
      standIns.push(mailCatcher);
      smtpUrl = mailCatcher.url;
      console.log(`smtp: ${mailCatcher.description}`);
    } else console.log(`smtp: ${hostOf(smtpUrl!)} (SMTP_URL)`);

    const ready: ReadyConfig = {
      ...config,
      databaseUrl,
      redisUrl,
      redisPrefix,
      smtpUrl: smtpUrl!,
      stripe: { ...stripe, secretKey: stripe.secretKey!, webhookSecret: stripe.webhookSecret! },
      sessionSecret: config.sessionSecret ?? localSessionSecret(config.dataDir),
    };

    const db = createDb(databaseUrl, { max: 1 });
    let adminLink: string | undefined;
    try {
      await migrateToLatest(db);
      const anyCampaign = await db.selectFrom('campaigns').select('id').limit(1).executeTakeFirst();
      if (!anyCampaign) console.log(`seed: demo campaigns ${(await seedDemoData(db, clockFor(config.clockStart).now())).join(', ')}`);
      // A first look at the staff area should not need the embedded database's address for `npm run staff`.
      // The demo's own bookkeeper (dev/seed.ts) is disabled and opens nothing: it does not count.
      const anyStaff = await db.selectFrom('staff_members').select('id').where('disabled_at', 'is', null).limit(1).executeTakeFirst();
      if (!anyStaff) {
        const invited = await inviteStaff(db, { email: 'admin@localhost.test', name: 'Demo administrator', roles: ['admin', 'finance', 'campaign_manager'] }, null);
        if (invited.kind === 'invited') adminLink = `/staff/password/${invited.token}`;
      }
    } finally {
      await db.destroy();
    }

    const web = await startWeb(ready, logger, { extraRoutes: mailCatcher ? [mailCatcher.routes] : [] });
    const worker = await startWorker(ready, logger);
    emulator?.setWebhookUrl(`http://127.0.0.1:${web.port}/webhooks/stripe`);
    stopOnSignals(async () => {
      await web.stop();
      await worker.stop();
      await stopStandIns();
    }, logger);
    if (adminLink) console.log(`staff: set the demo administrator's password (admin@localhost.test) at ${web.url}${adminLink}`);
    console.log(`\nSmilefund is running: open ${web.url}`);
  } catch (error) {
    await stopStandIns();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
