// Reading the CSV files finance downloads, as a spreadsheet would.
import { parseAmount } from '../../server/money';

/** A CSV file's rows (RFC 4180 quoting), the byte order mark dropped. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += c;
  }
  return rows;
}

/** An amount in major units as a CSV writes it ("-12.50"), in minor units. */
export function minorUnits(major: string, currency: string): number {
  const negative = major.startsWith('-');
  const parsed = parseAmount(negative ? major.slice(1) : major, currency);
  if (!parsed.ok) throw new Error(`not an amount: ${major}`);
  return negative ? -parsed.money.amount : parsed.money.amount;
}
