// CSV exports for finance: gifts (with the ledger's filters) and donors, written by PostgreSQL's COPY and
// streamed through to the client. Formatted row by row in JavaScript, a million gifts went out at a third
// of the rate a bare cursor reads the donations alone; with COPY the database formats them as it reads,
// and the web process only passes bytes on (bench/finance.ts).
import type { Response } from 'express';
import pg from 'pg';
import type { Db } from '../database';
import { sendCopyCsv } from './csv';
import { donorsExport, giftsExport } from './export.repository';
import type { GiftFilters } from './gifts';

/** `today`, the organisation's day, names the file. */
export async function exportGifts(db: Db, connections: pg.Pool, res: Response, filters: GiftFilters, timeZone: string, today: string): Promise<void> {
  await sendCopyCsv(res, connections, `gifts-${today}.csv`, giftsExport(db, filters, timeZone));
}

/** Every donor, one row per currency they gave in; times in `timeZone`. */
export async function exportDonors(db: Db, connections: pg.Pool, res: Response, timeZone: string, today: string): Promise<void> {
  await sendCopyCsv(res, connections, `donors-${today}.csv`, donorsExport(db, timeZone));
}
