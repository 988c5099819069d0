// Ids that arrive in a path or a query: a serial column holds 1 to 2^31 - 1, and anything else would
// reach PostgreSQL only to fail as an integer out of range.
const largestSerial = 2_147_483_647;

/** The id a path segment or query value names, or undefined when it cannot name a row. */
export function serialId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return undefined;
  const id = Number(value);
  return id <= largestSerial ? id : undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a value can name a uuid row (a donation, a plan); PostgreSQL refuses anything else as a uuid. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}
