import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** JSON lines on standard output, or to `destination` (a test that reads what was logged). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: undefined,
    redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["stripe-signature"]'],
  };
  return destination ? pino(options, destination) : pino(options);
}
