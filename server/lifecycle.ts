// How a process lives and dies: start-up of the production processes, and clean shutdown on a signal.
import { migrateDatabase } from './database';
import { configOrExit, requireReadyConfig, type ReadyConfig } from './config';
import { createLogger, type Logger } from './logger';

/**
 * On SIGINT or SIGTERM: run `stop` once (stop accepting, finish in-flight work, close pools), then exit 0.
 * A second signal exits at once, for the impatient.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    stop().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * The life of a production process (`npm run web`, `npm run worker`): configuration from the
 * environment, migrations, start, then stop cleanly on a signal.
 */
export function runProcess(name: string, start: (config: ReadyConfig, logger: Logger) => Promise<{ stop(): Promise<void>; describe: object }>): void {
  const config = configOrExit(requireReadyConfig);
  const logger = createLogger(config);
  (async () => {
    await migrateDatabase(config.databaseUrl);
    const running = await start(config, logger);
    stopOnSignals(running.stop, logger);
    logger.info(running.describe, `${name}: ready`);
  })().catch((error: unknown) => {
    console.error(`${name}: could not start:`, error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
