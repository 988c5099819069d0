// Forms that carry a file (a receipt scan): multipart/form-data read whole, up to a limit, and parsed by
// the WHATWG FormData parser Node ships (undici's), so that no upload library is needed. Fields land in
// req.body as strings, before the CSRF check reads its token there; files land in req.uploads.
import express, { type RequestHandler } from 'express';
import { AppError } from './errors';
import { say } from './language';

export interface UploadedFile {
  /** As the sender's computer named it; may hold anything, folders included. */
  filename: string;
  /** What the browser claimed; never to be trusted for what the bytes are. */
  declaredType: string;
  content: Buffer;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The files of a multipart form, by field name; a file field left empty is absent. */
      uploads?: Record<string, UploadedFile>;
    }
  }
}

/** Reads a multipart body of at most `limit` (a body over it is a 413, as for every other form); any other body is left to the other parsers. */
export function multipartForms(options: { limit: string }): RequestHandler {
  const raw = express.raw({ type: 'multipart/form-data', limit: options.limit });
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    raw(req, res, (error?: unknown) => {
      if (error) return next(error);
      void parsed(req.body as Buffer, req.get('content-type') ?? '').then(
        ({ fields, uploads }) => {
          req.body = fields;
          req.uploads = uploads;
          next();
        },
        () => next(new AppError(400, 'bad_request', say(res, 'errors.unreadable'))),
      );
    });
  };
}

async function parsed(body: Buffer, contentType: string): Promise<{ fields: Record<string, string>; uploads: Record<string, UploadedFile> }> {
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const fields: Record<string, string> = {};
  const uploads: Record<string, UploadedFile> = {};
  for (const [name, value] of form) {
    // The first of a repeated field counts, as for one-valued fields everywhere else.
    if (typeof value === 'string') fields[name] ??= value;
    // A file input left empty still sends a part: no name, no bytes.
    else if (value.name !== '' || value.size > 0) uploads[name] ??= { filename: value.name, declaredType: value.type, content: Buffer.from(await value.arrayBuffer()) };
  }
  return { fields, uploads };
}
