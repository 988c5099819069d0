// Request parameters, checked as strictly as Stripe does: an unknown parameter, a missing one or a
// value of the wrong kind fails with Stripe's message and names the parameter, so a mistake in the
// platform's calls shows up here and not in production.
import { z } from 'zod';
import { InvalidParams, missingParam } from './errors';

/** Form bodies carry every value as a string; JSON bodies of the helper endpoints may carry numbers. */
const fromText = (parse: (text: string) => unknown) => (value: unknown) => (typeof value === 'string' ? parse(value) : value);

export const integer = z.preprocess(fromText((text) => (/^-?\d+$/.test(text) ? Number(text) : text)), z.number().int());
export const positiveInteger = integer.pipe(z.number().min(1, 'must be a positive integer'));
export const nonNegativeInteger = integer.pipe(z.number().min(0, 'must be a non-negative integer'));
export const boolean = z.preprocess(fromText((text) => (text === 'true' ? true : text === 'false' ? false : text)), z.boolean());
export const text = z.string();
export const expand = z.array(z.string()).max(20).optional();

/** Stripe's metadata: up to 50 keys of 40 characters, values of 500; an empty string clears it. */
export const metadata = z
  .preprocess((value) => (value === '' ? {} : value), z.record(z.string().max(40), z.string().max(500)))
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 keys');

/** Metadata as Stripe updates it: given keys are set, a key set to '' is removed. */
export function mergeMetadata(current: Record<string, string> | null, changes: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...(current ?? {}) };
  if (Object.keys(changes).length === 0) return {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** `param=` (empty) is how stripe-node sends null, to unset an optional hash. */
export function unsettable<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? null : value), schema.nullable());
}

export type Params<T extends z.ZodType> = z.output<T>;

export function paramPath(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (index === 0 ? String(key) : `[${String(key)}]`)).join('');
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toStripeError(issues: z.core.$ZodIssue[]): InvalidParams {
  // Stripe reports an unknown parameter before anything else about the request.
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const param = paramPath([...unknown.path, unknown.keys[0] ?? '']);
    return new InvalidParams(`Received unknown parameter: ${param}`, { param });
  }
  const issue = issues.find((candidate) => candidate.code === 'invalid_type' && candidate.input === undefined) ?? issues[0];
  if (!issue) return new InvalidParams('Invalid request.');
  const param = paramPath(issue.path);
  const name = String(issue.path[issue.path.length - 1] ?? param);
  if (issue.code === 'invalid_type' && issue.input === undefined) return missingParam(param);
  if (issue.code === 'invalid_type') {
    const kind = { number: 'integer', boolean: 'boolean', object: 'hash', array: 'array', string: 'string', record: 'hash' }[issue.expected as string] ?? issue.expected;
    return new InvalidParams(`Invalid ${kind}: ${describe(issue.input)}`, { param });
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const choices = values.length > 2 ? `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}` : values.join(' or ');
    return new InvalidParams(`Invalid ${name}: must be one of ${choices}`, { param });
  }
  return new InvalidParams(`Invalid ${name}: ${issue.message}`, { param });
}

/** The parameters as the schema types them, or Stripe's 400 for the first thing wrong with them. */
export function parseParams<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) throw toStripeError(result.error.issues);
  return result.data;
}
