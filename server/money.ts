// The one place that knows about minor units, zero-decimal currencies and how money is shown.
// An amount is always an integer count of the currency's minor unit (fen, cents); never a float.

export interface Money {
  /** Integer, in the currency's minor unit: 10050 is ¥100.50, 500 is ¥500 only for a zero-decimal currency. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
}

// Stripe's lists, which differ slightly from ISO 4217: https://docs.stripe.com/currencies
const zeroDecimal = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const threeDecimal = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** A currency that exists (ISO 4217 as the runtime knows it), for money staff type in that no campaign's list bounds. */
export function isKnownCurrency(value: string): boolean {
  return isCurrencyCode(value) && knownCurrencies.has(value);
}

/** Digits after the decimal point in the currency's major unit, as Stripe counts them. */
export function currencyExponent(currency: string): number {
  if (zeroDecimal.has(currency)) return 0;
  if (threeDecimal.has(currency)) return 3;
  return 2;
}

/** A whole number of major units, e.g. money(5000, 'CNY') for ¥5,000; for literals in seeds and tests. */
export function money(majorUnits: number, currency: string): Money {
  if (!Number.isSafeInteger(majorUnits)) throw new RangeError(`money() takes whole major units, got ${majorUnits}`);
  return { amount: majorUnits * 10 ** currencyExponent(currency), currency };
}

/** Why a typed amount was refused; `separator` is a comma or space where no thousands separator goes, most often a decimal comma ("25,00"). */
export type AmountProblem = 'format' | 'separator' | 'fraction' | 'too_large';
export type AmountParseResult = { ok: true; money: Money } | { ok: false; problem: AmountProblem };

const plainAmount = /^(\d+)(?:\.(\d*))?$/;
// Thousands separated by commas or by spaces, one kind throughout, in groups of three after a head of
// one to three digits that is not 0: "0,100" and "25,00" are decimal commas, and taking them for
// thousands would multiply the gift by a thousand or a hundred.
const groupedAmount = /^([1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?: \d{3})+)(?:\.(\d*))?$/;
const onlyNumberCharacters = /^[\d., ]+$/;

/**
 * Reads an amount as a person types it in major units ("100", "100.5", "1,000.50", "1 000") without going
 * through a float. Full-width digits and punctuation from a Chinese input method ("１，０００．５０") and
 * the other spaces (thin, no-break, ideographic) read as their ASCII forms through NFKC.
 */
export function parseAmount(input: string, currency: string): AmountParseResult {
  const text = input.normalize('NFKC').trim();
  const match = plainAmount.exec(text) ?? groupedAmount.exec(text);
  if (!match) return { ok: false, problem: /[, ]/.test(text) && onlyNumberCharacters.test(text) ? 'separator' : 'format' };
  const whole = (match[1] ?? '').replace(/[, ]/g, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const exponent = currencyExponent(currency);
  if (fraction.length > exponent) return { ok: false, problem: 'fraction' };
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return { ok: false, problem: 'too_large' };
  return { ok: true, money: { amount: Number(digits), currency } };
}

/** The exact decimal text of an amount in major units: 10050 CNY is "100.50"; for CSV files and inputs. */
export function toMajorUnits({ amount, currency }: Money): string {
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount).toString().padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Money for people, in their locale: CN¥1,000.00 (¥ in Chinese), HK$500.00, US$50.00. */
export function formatMoney(value: Money, locale: string, options: { wholeUnits?: boolean } = {}): string {
  const key = `${locale}|${value.currency}|${options.wholeUnits ? 'whole' : 'exact'}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const exponent = currencyExponent(value.currency);
    // Our donors give in dollars of two kinds: English as written in Hong Kong says US$ and HK$, never a bare $.
    formatter = new Intl.NumberFormat(locale === 'en' ? 'en-HK' : locale, {
      style: 'currency',
      currency: value.currency,
      minimumFractionDigits: options.wholeUnits ? 0 : exponent,
      maximumFractionDigits: options.wholeUnits ? 0 : exponent,
    });
    formatters.set(key, formatter);
  }
  // A decimal string keeps Intl exact: no float ever stands between the ledger and the page.
  return formatter.format(toMajorUnits(value) as `${number}`);
}

export function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new TypeError(`cannot combine ${a.currency} with ${b.currency} without a recorded rate`);
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

/** Amounts added up per currency, one each, in the order each currency first appears: never across currencies. */
export function sumPerCurrency(amounts: ReadonlyArray<Money>): Money[] {
  const sums: Money[] = [];
  for (const { amount, currency } of amounts) {
    const kept = sums.find((m) => m.currency === currency);
    if (kept) kept.amount += amount;
    else sums.push({ amount, currency });
  }
  return sums;
}

/** Whole percent of target reached, rounded down so a campaign never shows 100% before it gets there. */
export function percentOf(part: Money, whole: Money): number {
  sameCurrency(part, whole);
  if (whole.amount <= 0) return 0;
  return Math.floor((part.amount * 100) / whole.amount);
}

function decimalParts(decimal: string): { digits: bigint; scale: bigint } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new RangeError(`not a decimal: ${decimal}`);
  const fraction = match[2] ?? '';
  return { digits: BigInt(`${match[1]}${fraction}`), scale: 10n ** BigInt(fraction.length) };
}

/**
 * amount × decimal (or ÷ decimal with `divide`), × 10^powerOfTen, worked exactly with BigInt and
 * rounded half away from zero so signs stay symmetric: the one way rates and percentages touch money.
 */
export function scaleByDecimal(amount: number, decimal: string, options: { divide?: boolean; powerOfTen?: number } = {}): number {
  const { digits, scale } = decimalParts(decimal);
  if (options.divide && digits === 0n) throw new RangeError('cannot divide by zero');
  const [times, over] = options.divide ? [scale, digits] : [digits, scale];
  const shift = options.powerOfTen ?? 0;
  const numerator = BigInt(amount) * times * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const denominator = over * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return Number(negative ? -rounded : rounded);
}

/**
 * Converts at a rate someone recorded (Stripe's `exchange_rate`: one major unit of `value.currency`
 * buys `rate` major units of `to`). `inverse` divides by the rate instead, to go from `to` back.
 */
export function convertAtRate(value: Money, to: string, rate: string, options: { inverse?: boolean } = {}): Money {
  if (value.currency === to) return value;
  const powerOfTen = currencyExponent(to) - currencyExponent(value.currency);
  return { amount: scaleByDecimal(value.amount, rate, { divide: options.inverse, powerOfTen }), currency: to };
}

const floorDiv = (a: bigint, b: bigint) => (a % b !== 0n && a < 0n !== b < 0n ? a / b - 1n : a / b);

/**
 * `total` minor units divided in proportion to `weights` by largest remainder, so that the parts add up to
 * `total` exactly: each part is rounded down to the minor unit, then the units left over go one each to the
 * parts with the largest remainders, the earlier in `weights` first on ties.
 */
export function allocateInProportion(total: number, weights: readonly number[]): number[] {
  const whole = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  if (whole <= 0n) {
    if (total !== 0) throw new RangeError('cannot divide money among weights that add up to nothing');
    return weights.map(() => 0);
  }
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const parts = exact.map((e) => floorDiv(e, whole));
  const leftover = Number(BigInt(total) - parts.reduce((sum, p) => sum + p, 0n));
  const byRemainder = exact
    .map((e, i) => ({ i, remainder: e - parts[i]! * whole }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of byRemainder.slice(0, leftover)) parts[i] = parts[i]! + 1n;
  return parts.map(Number);
}

/**
 * The rate that turned `given` into `credited`, as Stripe writes one: how many major units of the credited
 * currency one major unit of the given currency bought, to eight decimal places (half away from zero), trailing zeros dropped.
 */
export function rateBetween(given: Money, credited: Money): string {
  if (given.amount <= 0 || credited.amount <= 0) throw new RangeError('a rate needs two amounts above zero');
  const numerator = BigInt(credited.amount) * 10n ** BigInt(currencyExponent(given.currency) + 8);
  const denominator = BigInt(given.amount) * 10n ** BigInt(currencyExponent(credited.currency));
  const scaled = (numerator * 2n + denominator) / (denominator * 2n);
  const digits = scaled.toString().padStart(9, '0');
  const whole = digits.slice(0, -8);
  const fraction = digits.slice(-8).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
