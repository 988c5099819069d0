import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

// The last net under every log line, whatever wrote it (a request, an error's message, a job): our
// secret tokens and their HMACs are 43 base64url characters, a signed link's token is an id and a
// 24-character signature joined by a point, and none is ever worth keeping in a log.
const secretToken = /(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9_-]{43}|[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{24})(?![A-Za-z0-9_.-])/g;

function withoutSecrets(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(line.replace(secretToken, '[redacted]')) };
}

/** JSON lines on standard output, or to `destination` (a test that reads what was logged). */
export function createLogger(config: { logLevel: pino.LevelWithSilentOrString }, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: undefined,
    redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["stripe-signature"]'],
  };
  return pino(options, withoutSecrets(destination ?? pino.destination(1)));
}
