// A local SMTP server for `npm start` with no SMTP_URL: it accepts every message and keeps it under
// .data/mail/, where the dev-only page /dev/mail shows it.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { NotFound } from '../server/http/errors';
import { onPreferredPort } from './ports';
import type { LocalService } from './postgres';

export interface MailCatcher extends LocalService {
  routes: Router;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * The caught mail holds sign-in and password links: only someone at this machine may read it. The
 * socket's own address decides (not req.ip, which a proxy header may set), and a request a local proxy
 * forwarded for someone else is not from here either.
 */
export function fromThisMachine(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address) || address === '::1';
  return loopback && req.get('x-forwarded-for') === undefined && req.get('forwarded') === undefined;
}

export async function startMailCatcher(dataDir: string): Promise<MailCatcher> {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      readStream(stream)
        .then((raw) => writeFile(path.join(dir, `${Date.now()}-${randomBytes(4).toString('hex')}.eml`), raw))
        .then(() => callback(), callback);
    },
  });
  const port = await onPreferredPort(2525, (candidate) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(candidate, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    }),
  );

  const routes = Router();
  routes.use('/dev/mail', (req, _res, next) => next(fromThisMachine(req) ? undefined : new NotFound('Not found.')));
  routes.get('/dev/mail', async (_req, res) => {
    const files = (await readdir(dir)).filter((file) => file.endsWith('.eml')).sort().reverse().slice(0, 100);
    const messages = await Promise.all(
      files.map(async (file) => {
        const mail = await simpleParser(await readFile(path.join(dir, file)));
        return { id: file.replace(/\.eml$/, ''), subject: mail.subject ?? '(no subject)', to: mail.to ? [mail.to].flat().map((a) => a.text).join(', ') : '', date: mail.date };
      }),
    );
    res.render('dev/mail-list', { title: 'Caught mail', dir: dataDir, messages });
  });
  routes.get('/dev/mail/:id', async (req, res) => {
    if (!/^\d+-[0-9a-f]{8}$/.test(req.params.id)) throw new NotFound('That message is not in the mail folder.');
    const raw = await readFile(path.join(dir, `${req.params.id}.eml`)).catch(() => {
      throw new NotFound('That message is not in the mail folder.');
    });
    const mail = await simpleParser(raw);
    res.render('dev/mail-show', {
      title: mail.subject ?? 'Message',
      subject: mail.subject,
      from: mail.from?.text,
      to: mail.to ? [mail.to].flat().map((a) => a.text).join(', ') : '',
      date: mail.date,
      text: mail.text,
      html: typeof mail.html === 'string' ? mail.html : undefined,
    });
  });

  return {
    url: `smtp://127.0.0.1:${port}`,
    description: `local catcher on 127.0.0.1:${port}, messages in ${dataDir}, shown at /dev/mail`,
    routes,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
