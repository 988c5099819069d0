// CSV downloads, streamed: rows go out as the database yields them, so memory stays flat however many
// there are. UTF-8 with a BOM, so that spreadsheet programs show Chinese names.
import type { Response } from 'express';
import { toMajorUnits } from '../money';

export type CsvValue = string | number | boolean | Date | null | undefined;

/** One CSV field: quoted when it must be, and a leading = + - @ defused so a spreadsheet never runs it. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  // A negative amount ("-12.50", as csvAmount writes it) is a number, not a formula: it stays as it is.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (values: CsvValue[]) => `${values.map(csvField).join(',')}\r\n`;

/** Minor units as the exact decimal text a spreadsheet reads: 10050 CNY is 100.50. */
export const csvAmount = (amount: number | null, currency: string) => (amount === null ? '' : toMajorUnits({ amount, currency }));

/**
 * Streams `rows` as a CSV download, honouring back-pressure: when the client reads slowly we wait for
 * the socket to drain instead of buffering.
 */
export async function sendCsv<T>(res: Response, filename: string, header: string[], rows: AsyncIterable<T>, toValues: (row: T) => CsvValue[]): Promise<void> {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
    'Cache-Control': 'private, no-store',
  });
  // A client that goes away mid-download ends the loop, which closes the database cursor.
  const write = async (chunk: string) => {
    if (res.destroyed) throw new Error('client went away');
    if (!res.write(chunk)) await new Promise<void>((resolve) => {
      // Whichever comes first removes the other, or a long download piles up 'close' listeners.
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
  };
  await write(`\uFEFF${csvRow(header)}`);
  let batch = '';
  for await (const row of rows) {
    batch += csvRow(toValues(row));
    if (batch.length >= 64 * 1024) {
      await write(batch);
      batch = '';
    }
  }
  if (batch) await write(batch);
  res.end();
}
