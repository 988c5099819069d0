// A response body kept in memory and sent to many: encoded and given its ETag once, not on every send.
import { createHash } from 'node:crypto';
import type { Response } from 'express';

export interface KeptBody {
  body: Buffer;
  etag: string;
}

export function keptBody(text: string): KeptBody {
  const body = Buffer.from(text, 'utf8');
  // The weak validator Express itself would make; with it already set, res.send does not hash the body again.
  return { body, etag: `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"` };
}

/** Sends a kept body as `type`; a client that already holds it gets 304, as with any res.send. */
export function sendKept(res: Response, type: 'html' | 'json', kept: KeptBody): void {
  res.type(type).set('ETag', kept.etag).send(kept.body);
}
