// CSV downloads, streamed: rows go out as the database yields them, so memory stays flat however many
// there are. UTF-8 with a BOM, so that spreadsheet programs show Chinese names, and CRLF line ends.
// Two ways to the same bytes: rows formatted here (sendCsv, for the small exports), or PostgreSQL's own
// COPY ... TO STDOUT (FORMAT csv) streamed as it comes (sendCopyCsv, for the gifts and donors of a whole
// ledger), with each value made into the same text in SQL by the helpers below.
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { sql, type CompiledQuery, type Expression, type RawBuilder } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { currencyExponent, toMajorUnits } from '../money';

export type CsvValue = string | number | boolean | Date | null | undefined;

/** Cells a spreadsheet would read as a formula: defused with a leading apostrophe. */
const formulaStart = /^[=+\-@\t\r]/;
/** A negative amount ("-12.50", as csvAmount writes it) is a number, not a formula: it stays as it is. */
const negativeNumber = /^-\d+(\.\d+)?$/;

/** One CSV field: quoted when it must be, and a leading = + - @ tab CR defused so a spreadsheet never runs it. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && formulaStart.test(text) && !negativeNumber.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (values: CsvValue[]) => `${values.map(csvField).join(',')}\r\n`;

/** An instant as the wall clock of `timeZone` shows it, "2026-03-05 07:30:00", as spreadsheets read a date and time. */
export function csvTime(value: Date | null | undefined, timeZone: string): string | null {
  if (!value) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(value)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A time column's header, naming the zone its times are in: "date (Asia/Hong_Kong)". */
export const zonedColumn = (name: string, timeZone: string) => `${name} (${timeZone})`;

/** Minor units as the exact decimal text a spreadsheet reads: 10050 CNY is 100.50. */
export const csvAmount = (amount: number | null, currency: string) => (amount === null ? '' : toMajorUnits({ amount, currency }));

const byteOrderMark = '\uFEFF';

function startCsv(res: Response, filename: string): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
    'Cache-Control': 'private, no-store',
  });
}

/**
 * Streams `rows` as a CSV download, honouring back-pressure: when the client reads slowly we wait for
 * the socket to drain instead of buffering.
 */
export async function sendCsv<T>(res: Response, filename: string, header: string[], rows: AsyncIterable<T>, toValues: (row: T) => CsvValue[]): Promise<void> {
  startCsv(res, filename);
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
  await write(`${byteOrderMark}${csvRow(header)}`);
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

// What follows writes the same fields in SQL, for COPY. Each helper takes an expression and gives the
// text csvField would write for its value, NULL standing for an empty field: COPY writes NULL as nothing
// and quotes every other value exactly as csvField does (one holding a comma, a quote, CR or LF, with its
// quotes doubled), but it writes an empty string as "", hence the nullif.

type SqlValue = Expression<unknown> | RawBuilder<unknown>;

// negativeNumber for PostgreSQL, whose \d would take any Unicode digit.
const negativeNumberInSql = '^-[0-9]+(\\.[0-9]+)?$';

/** Text as csvField writes a string: a formula defused, an empty string as an empty field. */
export function csvText(value: SqlValue): RawBuilder<string | null> {
  const text = sql`(${value})::text`;
  // ascii() is the first character's code: = + - @ tab CR. The pattern runs only for the rows that start so.
  return sql<string | null>`case when ascii(${text}) in (61, 43, 45, 64, 9, 13) and ${text} !~ ${sql.lit(negativeNumberInSql)} then '''' || ${text} else nullif(${text}, '') end`;
}

/** An instant as csvTime writes it: the wall clock of `timeZone` to the second (truncated), which the column's header names. */
export function csvInstant(value: SqlValue, timeZone: string): RawBuilder<string | null> {
  return sql<string | null>`to_char((${value}) at time zone ${timeZone}, 'YYYY-MM-DD HH24:MI:SS')`;
}

/** Every currency whose exponent is not 2, by asking money.ts about each three-letter code: one table for JS and SQL. */
const currenciesByExponent = (() => {
  const found = new Map<number, string[]>();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      for (const c of letters) {
        const exponent = currencyExponent(a + b + c);
        if (exponent !== 2) found.set(exponent, [...(found.get(exponent) ?? []), a + b + c]);
      }
    }
  }
  return found;
})();

/** One minor unit of a currency as a numeric of the currency's scale: 0.01 (CNY), 1 (JPY), 0.001 (KWD). */
const unitLiteral = (exponent: number) => sql.raw(exponent === 0 ? '1::numeric' : `0.${'1'.padStart(exponent, '0')}`);

/** One minor unit of `currency`, for csvAmountIn: worked out once per row and currency, however many amounts it scales. */
export function currencyUnit(currency: SqlValue): RawBuilder<string> {
  const cases = [...currenciesByExponent].map(([exponent, codes]) => sql`when (${currency}) in (${sql.join(codes.map((code) => sql.lit(code)))}) then ${unitLiteral(exponent)}`);
  return sql<string>`case ${sql.join(cases, sql` `)} else ${unitLiteral(2)} end`;
}

/**
 * Minor units as toMajorUnits writes them (10050 CNY is 100.50, -5 JPY is -5, 0 KWD is 0.000), given the
 * currency's unit: an integer times a numeric of the unit's scale is exact and prints with that scale.
 */
export function csvAmountIn(amount: SqlValue, unit: SqlValue): RawBuilder<string | null> {
  return sql<string | null>`((${amount})::bigint * (${unit}))::text`;
}

/**
 * A compiled query with its parameters written in as literals, for COPY, which takes none. Kysely
 * writes parameters as $1, $2 ...; they are replaced outside quoted literals and identifiers only, and a
 * string goes through pg's own escapeLiteral.
 */
export function withLiterals({ sql: text, parameters }: CompiledQuery): string {
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'string') return pg.escapeLiteral(value);
    if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
    if (typeof value === 'boolean') return String(value);
    if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
    throw new TypeError(`cannot write a ${typeof value} into a COPY query`);
  };
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // To the closing quote: a doubled quote inside closes and reopens, which comes to the same.
      const close = text.indexOf(c, i + 1);
      if (close === -1) throw new SyntaxError('unterminated quote in a query');
      i = close;
    } else if (c === '$') {
      const digits = /^\d+/.exec(text.slice(i + 1))?.[0];
      if (digits === undefined) continue;
      const index = Number(digits) - 1;
      if (index >= parameters.length) throw new RangeError(`no parameter $${digits}`);
      out += text.slice(from, i) + literal(parameters[index]);
      i += digits.length;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** COPY (query) TO STDOUT as CSV with a header of the query's column names. */
export const copyCsvStatement = (query: CompiledQuery) => `copy (${withLiterals(query)}) to stdout with (format csv, header)`;

/**
 * COPY's rows with the BOM before them and CRLF line ends, as csvRow writes them: PostgreSQL ends a row
 * with LF alone, and leaves a LF inside a quoted field as it is, as csvField does. A row ends at a LF
 * after an even number of quotes (an escaped quote is two), so one bit is carried from chunk to chunk.
 */
export class CsvLineEnds extends Transform {
  private quoted = false;
  private started = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const ends: number[] = [];
    let at = 0;
    let quote = chunk.indexOf(34);
    for (;;) {
      if (this.quoted) {
        if (quote === -1) break;
        this.quoted = false;
      } else {
        const lf = chunk.indexOf(10, at);
        if (quote === -1 || (lf !== -1 && lf < quote)) {
          if (lf === -1) break;
          ends.push(lf);
          at = lf + 1;
          continue;
        }
        this.quoted = true;
      }
      at = quote + 1;
      quote = chunk.indexOf(34, at);
    }
    const bom = this.started ? 0 : 3;
    const out = Buffer.allocUnsafe(bom + chunk.length + ends.length);
    if (!this.started) out.write(byteOrderMark, 0, 'utf8');
    this.started = true;
    let from = 0;
    let to = bom;
    for (const lf of ends) {
      to += chunk.copy(out, to, from, lf);
      out[to++] = 13;
      out[to++] = 10;
      from = lf + 1;
    }
    chunk.copy(out, to, from);
    done(null, out);
  }
}

/**
 * Streams what `query` selects as a CSV download written by PostgreSQL: COPY (query) TO STDOUT WITH
 * (FORMAT csv, HEADER), the header being the query's column names. The rows go from the database's
 * socket to the client's through one pipeline, so a slow client slows the COPY instead of filling memory.
 * The connection comes from `connections`, not the request pool; when the client goes away it is closed
 * rather than returned, and PostgreSQL ends the COPY at its next write.
 */
export async function sendCopyCsv(res: Response, connections: pg.Pool, filename: string, query: CompiledQuery): Promise<void> {
  const client = await connections.connect();
  let failure: Error | undefined;
  try {
    const rows = client.query(copyTo(copyCsvStatement(query)));
    // Closing the connection also tells the COPY, after the pipeline has let go of it.
    rows.on('error', () => undefined);
    startCsv(res, filename);
    await pipeline(rows, new CsvLineEnds(), res);
  } catch (error) {
    failure = error as Error;
  } finally {
    // Released with an error, the client is ended; pg ends one whose query still runs by destroying its socket.
    client.release(failure);
  }
  // A client that went away mid-download is no failure of ours.
  if (failure && (failure as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw failure;
}
