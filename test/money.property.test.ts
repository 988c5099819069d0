// Property-based checks of server/money.ts: round trips, formatting and conversion, for every kind of
// currency the code knows. Fixed seed, bounded runs: the same cases every time, and fast.
import fc from 'fast-check';
import { convertAtRate, currencyExponent, formatMoney, parseAmount, scaleByDecimal, toMajorUnits } from '../server/money';

const settings = { seed: 20_251_125, numRuns: 200 };

// Two-decimal currencies the donate form has minimums for, and every zero- and three-decimal one money.ts lists.
const twoDecimal = ['CNY', 'HKD', 'USD', 'EUR', 'GBP', 'SGD', 'AUD', 'CAD', 'TWD', 'MOP'];
const zeroDecimal = ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const threeDecimal = ['BHD', 'JOD', 'KWD', 'OMR', 'TND'];
const currencies = [...twoDecimal, ...zeroDecimal, ...threeDecimal];
const currency = fc.constantFrom(...currencies);

/** The largest amount parseAmount takes: 15 digits in minor units. */
const largestParsed = 10 ** 15 - 1;

/** Digits of a string only: what a person reads as the number, without symbols, separators or signs. */
const digitsOf = (text: string) => text.replace(/\D/g, '');

/** Half away from zero, as money.ts promises, worked independently with BigInt. */
function roundHalfAway(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = n / d;
  const rounded = (n % d) * 2n >= d ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** A decimal as a rate or percentage is written: up to 4 whole digits and up to 6 after the point. */
const decimal = fc
  .tuple(fc.integer({ min: 0, max: 9_999 }), fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }))
  .map(([whole, fraction]) => (fraction === undefined ? String(whole) : `${whole}.${fraction}`));
const nonZeroDecimal = decimal.filter((d) => /[1-9]/.test(d));

function exactParts(decimalText: string): { digits: bigint; scale: bigint } {
  const [whole, fraction = ''] = decimalText.split('.');
  return { digits: BigInt(`${whole}${fraction}`), scale: 10n ** BigInt(fraction.length) };
}

describe('money, by property', () => {
  it('knows the exponent of every currency listed here as the test expects', () => {
    for (const c of twoDecimal) expect(currencyExponent(c)).toBe(2);
    for (const c of zeroDecimal) expect(currencyExponent(c)).toBe(0);
    for (const c of threeDecimal) expect(currencyExponent(c)).toBe(3);
  });

  it('parseAmount(toMajorUnits(m)) gives m back for every amount it accepts (up to 15 digits), in every currency', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: largestParsed }), currency, (amount, c) => {
        expect(parseAmount(toMajorUnits({ amount, currency: c }), c)).toEqual({ ok: true, money: { amount, currency: c } });
      }),
      settings,
    );
  });

  it('for larger safe integers parseAmount says too_large, and for negatives format: never a wrong amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: largestParsed + 1, max: Number.MAX_SAFE_INTEGER }), currency, (amount, c) => {
        expect(parseAmount(toMajorUnits({ amount, currency: c }), c)).toEqual({ ok: false, problem: 'too_large' });
      }),
      settings,
    );
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 }), currency, (amount, c) => {
        expect(parseAmount(toMajorUnits({ amount, currency: c }), c)).toEqual({ ok: false, problem: 'format' });
      }),
      settings,
    );
  });

  it('toMajorUnits writes plain decimals with exactly the currency\'s fraction digits, for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), currency, (amount, c) => {
        const text = toMajorUnits({ amount, currency: c });
        const exponent = currencyExponent(c);
        expect(text).toMatch(exponent === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${exponent}}$`));
        // Exactly the amount's digits, once leading zeros are set aside.
        expect(digitsOf(text).replace(/^0+(?=\d)/, '')).toBe(Math.abs(amount).toString());
      }),
      settings,
    );
  });

  it('formatMoney never throws and shows exactly the amount, with no float artefacts, in en and zh-CN', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), currency, fc.constantFrom('en', 'zh-CN'), (amount, c, locale) => {
        const shown = formatMoney({ amount, currency: c }, locale);
        const exponent = currencyExponent(c);
        expect(shown).not.toMatch(/[eE][+-]?\d|NaN|Infinity|∞/);
        // The digits a person reads are the exact digits of the amount (no rounding, no 0.30000000000000004).
        expect(digitsOf(shown)).toBe(digitsOf(toMajorUnits({ amount, currency: c })));
        // No more fraction digits than the currency has; none at all for a zero-decimal currency.
        const fraction = /\.(\d+)/.exec(shown)?.[1] ?? '';
        expect(fraction.length).toBe(exponent);
        expect(shown.startsWith('-')).toBe(amount < 0);
      }),
      settings,
    );
  });

  it('formatMoney in whole units never throws and never shows a fraction or an exponent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: largestParsed }), currency, fc.constantFrom('en', 'zh-CN'), (amount, c, locale) => {
        const shown = formatMoney({ amount, currency: c }, locale, { wholeUnits: true });
        expect(shown).not.toMatch(/[eE][+-]?\d|NaN|\.\d/);
      }),
      settings,
    );
  });

  it('scaleByDecimal is exact against BigInt arithmetic, multiplying and dividing, with any power of ten', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
        nonZeroDecimal,
        fc.boolean(),
        fc.integer({ min: -3, max: 3 }),
        (amount, rate, divide, powerOfTen) => {
          const { digits, scale } = exactParts(rate);
          const [times, over] = divide ? [scale, digits] : [digits, scale];
          const numerator = BigInt(amount) * times * 10n ** BigInt(Math.max(powerOfTen, 0));
          const denominator = over * 10n ** BigInt(Math.max(-powerOfTen, 0));
          const expected = roundHalfAway(numerator, denominator);
          fc.pre(expected >= BigInt(Number.MIN_SAFE_INTEGER) && expected <= BigInt(Number.MAX_SAFE_INTEGER));
          expect(BigInt(scaleByDecimal(amount, rate, { divide, powerOfTen }))).toBe(expected);
        },
      ),
      settings,
    );
  });

  it('scaleByDecimal rounds halves away from zero, symmetric in sign', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), nonZeroDecimal, fc.boolean(), (amount, rate, divide) => {
        expect(scaleByDecimal(-amount, rate, { divide }) + 0).toBe(-scaleByDecimal(amount, rate, { divide }) + 0);
      }),
      settings,
    );
  });

  describe('convertAtRate and its inverse', () => {
    // Rates between 0.001 and 1000, with up to 6 decimals, as Stripe's exchange_rate is written.
    const rate = fc
      .tuple(fc.integer({ min: 0, max: 999 }), fc.stringMatching(/^\d{1,6}$/))
      .map(([whole, fraction]) => `${whole}.${fraction}`)
      .filter((r) => Number(r) >= 0.001);
    const amount = fc.integer({ min: -(10 ** 9), max: 10 ** 9 });

    /** Target minor units per source minor unit, as an exact fraction N/D. */
    function factor(from: string, to: string, r: string): { n: bigint; d: bigint } {
      const { digits, scale } = exactParts(r);
      const shift = currencyExponent(to) - currencyExponent(from);
      return { n: digits * 10n ** BigInt(Math.max(shift, 0)), d: scale * 10n ** BigInt(Math.max(-shift, 0)) };
    }

    it('undoes itself within one minor unit whenever the target currency is at least as fine as the source', () => {
      fc.assert(
        fc.property(amount, currency, currency, rate, (m, from, to, r) => {
          const { n, d } = factor(from, to, r);
          fc.pre(n >= d); // one source minor unit is worth at least one target minor unit
          const there = convertAtRate({ amount: m, currency: from }, to, r);
          const back = convertAtRate(there, from, r, { inverse: true });
          expect(back.currency).toBe(from);
          expect(Math.abs(back.amount - m)).toBeLessThanOrEqual(1);
        }),
        settings,
      );
    });

    it('in general undoes itself within half a target minor unit (in source units) plus half a source minor unit', () => {
      fc.assert(
        fc.property(amount, currency, currency, rate, (m, from, to, r) => {
          fc.pre(from !== to);
          const { n, d } = factor(from, to, r);
          const back = convertAtRate(convertAtRate({ amount: m, currency: from }, to, r), from, r, { inverse: true });
          // |back − m| ≤ 1/(2k) + 1/2 with k = n/d, i.e. 2·|back − m|·n ≤ d + n.
          const error = BigInt(Math.abs(back.amount - m));
          expect(2n * error * n <= d + n).toBe(true);
        }),
        settings,
      );
    });

    it('leaves money alone when the currencies are the same', () => {
      fc.assert(
        fc.property(amount, currency, rate, fc.boolean(), (m, c, r, inverse) => {
          expect(convertAtRate({ amount: m, currency: c }, c, r, { inverse })).toEqual({ amount: m, currency: c });
        }),
        settings,
      );
    });
  });
});
