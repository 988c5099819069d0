// A real SMTP server on loopback that keeps every message it accepts, parsed, for tests to read.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from './wait';

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  /** Messages to one address, in arrival order. */
  to(address: string): ParsedMail[];
  /** Resolves once at least `count` messages have arrived (bounded: rejects after `limitMs` with what did). */
  waitFor(count: number, limitMs?: number): Promise<ParsedMail[]>;
  /** Refuses the next `count` messages with a temporary failure, as a busy mail server does. */
  refuseNext(count: number): void;
  /** Runs `look` on each message before the sink answers the sender: what is true while the sender still waits. */
  beforeAccepting(look: ((mail: ParsedMail) => Promise<void>) | undefined): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  let refusals = 0;
  let look: ((mail: ParsedMail) => Promise<void>) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        async (mail) => {
          await look?.(mail).catch(() => undefined);
          if (refusals > 0) {
            refusals -= 1;
            callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
            return;
          }
          messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  // A client that dies mid-message (a worker killed by a test) resets its connection; a mail server
  // drops that message and carries on, where an unhandled 'error' event would end the test process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const addressesOf = (mail: ParsedMail) => [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((mail) => addressesOf(mail).includes(address.toLowerCase())),
    async waitFor(count, limitMs) {
      await waitUntil(`${count} messages`, () => messages.length >= count, { limitMs, describe: () => messages.map((m) => m.subject) });
      return messages;
    },
    refuseNext(count) {
      refusals = count;
    },
    beforeAccepting(given) {
      look = given;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
