// List endpoints as Stripe pages them: newest first, `limit`, cursors on either side, `created` ranges.
import { z } from 'zod';
import { noSuch } from './errors';
import { expand, integer } from './params';

const range = z.strictObject({ gt: integer.optional(), gte: integer.optional(), lt: integer.optional(), lte: integer.optional() });
/** `created=123` or `created[gte]=…&created[lt]=…`. */
export const timestampFilter = z.preprocess((value) => (typeof value === 'string' || typeof value === 'number' ? { gte: value, lte: value } : value), range);
export type TimestampFilter = z.output<typeof timestampFilter>;

export const listShape = {
  limit: integer.pipe(z.number().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100')).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  created: timestampFilter.optional(),
  expand,
};

export function listParams<T extends z.ZodRawShape>(filters: T) {
  return z.strictObject({ ...listShape, ...filters });
}

export function withinRange(value: number, filter: TimestampFilter | undefined): boolean {
  if (!filter) return true;
  return (
    (filter.gt === undefined || value > filter.gt) &&
    (filter.gte === undefined || value >= filter.gte) &&
    (filter.lt === undefined || value < filter.lt) &&
    (filter.lte === undefined || value <= filter.lte)
  );
}

export interface ListOf<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export function listOf<T>(data: T[], url: string, hasMore = false): ListOf<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

interface Page {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?: TimestampFilter;
}

/** One page of `items`, kept in the order given: cursors are ids, `ending_before` pages backwards. */
export function pageOf<T extends { id: string; object: string }>(items: T[], page: Page, url: string, keep: (item: T) => boolean = () => true): ListOf<T> {
  const limit = page.limit ?? 10;
  const positionOf = (id: string, param: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw noSuch(items[0]?.object ?? 'object', id, param);
    return index;
  };
  if (page.starting_after) {
    const rest = items.slice(positionOf(page.starting_after, 'starting_after') + 1).filter(keep);
    return listOf(rest.slice(0, limit), url, rest.length > limit);
  }
  if (page.ending_before) {
    const before = items.slice(0, positionOf(page.ending_before, 'ending_before')).filter(keep);
    return listOf(before.slice(Math.max(0, before.length - limit)), url, before.length > limit);
  }
  const kept = items.filter(keep);
  return listOf(kept.slice(0, limit), url, kept.length > limit);
}

/** One page of `oldestFirst` (as the store keeps objects), newest first as Stripe lists them. */
export function paginate<T extends { id: string; created: number; object: string }>(oldestFirst: T[], page: Page, url: string): ListOf<T> {
  return pageOf([...oldestFirst].reverse(), page, url, (item) => withinRange(item.created, page.created));
}
