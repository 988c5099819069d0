// Sending back a file someone uploaded (a spending receipt's scan, a mainland partner's receipt).
import type { Response } from 'express';

/** Always as a download of its own checked type: never shown inline, never sniffed into HTML, never kept by a cache. */
export function sendUploadedFile(res: Response, file: { filename: string; content_type: string; content: Buffer }): void {
  res.attachment(file.filename);
  res.set({
    'Content-Type': file.content_type,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  res.send(file.content);
}
