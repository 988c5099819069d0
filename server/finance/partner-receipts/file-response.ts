import type { Response } from 'express';
import type { PartnerReceiptFile } from './partner-receipt.repository';

/** A receipt's scan, always as a download of its own checked type: never shown inline, never sniffed into HTML, never kept by a cache. */
export function sendPartnerReceiptFile(res: Response, file: PartnerReceiptFile): void {
  res.attachment(file.filename);
  res.set({
    'Content-Type': file.content_type,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  res.send(file.content);
}
