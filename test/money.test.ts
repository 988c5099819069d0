import { addMoney, currencyExponent, formatMoney, money, parseAmount, percentOf, toMajorUnits } from '../server/money';
import { convertAtRate, scaleByDecimal } from '../server/money';

describe('money', () => {
  it('reads amounts as typed, in major units, without floats', () => {
    expect(parseAmount('100', 'CNY')).toEqual({ ok: true, money: { amount: 10_000, currency: 'CNY' } });
    expect(parseAmount('100.50', 'USD')).toEqual({ ok: true, money: { amount: 10_050, currency: 'USD' } });
    expect(parseAmount(' 1,000.5 ', 'HKD')).toEqual({ ok: true, money: { amount: 100_050, currency: 'HKD' } });
    expect(parseAmount('0.29', 'USD')).toEqual({ ok: true, money: { amount: 29, currency: 'USD' } });
    expect(parseAmount('1000', 'JPY')).toEqual({ ok: true, money: { amount: 1_000, currency: 'JPY' } });
  });

  it('refuses what is not an amount, fractions a currency does not have, and absurd sizes', () => {
    expect(parseAmount('abc', 'USD')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('-5', 'USD')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('1e3', 'USD')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('10.005', 'USD')).toEqual({ ok: false, problem: 'fraction' });
    expect(parseAmount('100.5', 'JPY')).toEqual({ ok: false, problem: 'fraction' });
    expect(parseAmount('1'.repeat(20), 'USD')).toEqual({ ok: false, problem: 'too_large' });
  });

  it('knows Stripe\'s zero- and three-decimal currencies', () => {
    expect(currencyExponent('CNY')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(money(5_000, 'CNY')).toEqual({ amount: 500_000, currency: 'CNY' });
  });

  it('writes exact major units and formats for people with Intl', () => {
    expect(toMajorUnits({ amount: 10_050, currency: 'CNY' })).toBe('100.50');
    expect(toMajorUnits({ amount: 5, currency: 'USD' })).toBe('0.05');
    expect(toMajorUnits({ amount: -250, currency: 'HKD' })).toBe('-2.50');
    expect(formatMoney({ amount: 100_000, currency: 'CNY' }, 'zh-CN')).toBe('¥1,000.00');
    expect(formatMoney({ amount: 50_000, currency: 'HKD' }, 'zh-CN')).toBe('HK$500.00');
    expect(formatMoney({ amount: 5_000, currency: 'USD' }, 'zh-CN')).toBe('US$50.00');
    expect(formatMoney({ amount: 900_719_925_474_099, currency: 'USD' }, 'en')).toBe('US$9,007,199,254,740.99');
    expect(formatMoney({ amount: 2_500, currency: 'HKD' }, 'en')).toBe('HK$25.00');
    expect(formatMoney({ amount: 80_000_000, currency: 'CNY' }, 'en', { wholeUnits: true })).toBe('CN¥800,000');
  });

  it('never adds across currencies', () => {
    expect(addMoney(money(1, 'HKD'), money(2, 'HKD'))).toEqual(money(3, 'HKD'));
    expect(() => addMoney(money(1, 'HKD'), money(1, 'USD'))).toThrow(/without a recorded rate/);
    expect(percentOf({ amount: 79_999, currency: 'CNY' }, { amount: 80_000, currency: 'CNY' })).toBe(99);
  });
});

describe('parseAmount, at the edges of what people type', () => {
  it.each([
    ['', 'USD', { ok: false, problem: 'format' }],
    ['   ', 'USD', { ok: false, problem: 'format' }],
    ['.5', 'USD', { ok: false, problem: 'format' }],
    ['5.', 'USD', { ok: true, money: { amount: 500, currency: 'USD' } }],
    ['007', 'HKD', { ok: true, money: { amount: 700, currency: 'HKD' } }],
    ['10.500', 'USD', { ok: true, money: { amount: 1_050, currency: 'USD' } }],
    ['1 000', 'CNY', { ok: true, money: { amount: 100_000, currency: 'CNY' } }],
    ['1000.', 'JPY', { ok: true, money: { amount: 1_000, currency: 'JPY' } }],
    ['1.2345', 'KWD', { ok: false, problem: 'fraction' }],
    ['1.234', 'KWD', { ok: true, money: { amount: 1_234, currency: 'KWD' } }],
    ['１００', 'USD', { ok: true, money: { amount: 10_000, currency: 'USD' } }],
    ['100 USD', 'USD', { ok: false, problem: 'format' }],
    ['$100', 'USD', { ok: false, problem: 'format' }],
    ['9999999999999.99', 'USD', { ok: true, money: { amount: 999_999_999_999_999, currency: 'USD' } }],
    ['10000000000000.00', 'USD', { ok: false, problem: 'too_large' }],
  ])('reads %j %s', (input, currency, expected) => {
    expect(parseAmount(input, currency)).toEqual(expected);
  });
});

describe('parseAmount and separators: a comma or space only between groups of three', () => {
  it.each([
    ['1,000', 'USD', 100_000],
    ['12,500.50', 'USD', 1_250_050],
    ['1,234,567', 'HKD', 123_456_700],
    ['999,999.99', 'USD', 99_999_999],
    ['1 000', 'CNY', 100_000],
    ['12 500.50', 'HKD', 1_250_050],
    ['1\u2009000', 'CNY', 100_000], // thin space
    ['1\u00a0000', 'CNY', 100_000], // no-break space
    ['1\u202f000.5', 'CNY', 100_050], // narrow no-break space, as French and Intl write thousands
    ['1,000', 'JPY', 1_000],
    ['1,000.500', 'KWD', 1_000_500],
  ])('takes %j %s as %d minor units', (input, currency, amount) => {
    expect(parseAmount(input, currency)).toEqual({ ok: true, money: { amount, currency } });
  });

  // Each of these, read with its separators dropped, was once a gift a hundred or a thousand times too large.
  it.each(['25,00', '12,50', '0,50', '0,100', '1,0000', ',100', '1,,000', '1,000,', '10,00,000', '1,000 000', '1 000,50', '1.000,50', '1,000.500,5', '1  000', '1 00', ','])(
    'refuses %j as a separator problem, never as another amount',
    (input) => {
      expect(parseAmount(input, 'USD')).toEqual({ ok: false, problem: 'separator' });
    },
  );

  it('reads what a Chinese input method types: full-width digits, comma, point and space', () => {
    expect(parseAmount('１，０００．５０', 'USD')).toEqual({ ok: true, money: { amount: 100_050, currency: 'USD' } });
    expect(parseAmount('\u3000５００\u3000', 'CNY')).toEqual({ ok: true, money: { amount: 50_000, currency: 'CNY' } });
    expect(parseAmount('１\u3000０００', 'CNY')).toEqual({ ok: true, money: { amount: 100_000, currency: 'CNY' } });
    expect(parseAmount('２５，００', 'USD')).toEqual({ ok: false, problem: 'separator' });
    expect(parseAmount('１２．３４５', 'USD')).toEqual({ ok: false, problem: 'fraction' });
    // The ideographic full stop is a sentence's end, not a decimal point: NFKC leaves it, and so do we.
    expect(parseAmount('100。50', 'CNY')).toEqual({ ok: false, problem: 'format' });
  });

  it('still calls words, signs and symbols a format problem, separators or not', () => {
    for (const input of ['1,000 USD', '-1,000', '$1,000', '1,000e3', 'one,000', '1\t000']) expect(parseAmount(input, 'USD')).toEqual({ ok: false, problem: 'format' });
  });

  it('counts the digits of a grouped amount as of any other', () => {
    expect(parseAmount('9,999,999,999,999.99', 'USD')).toEqual({ ok: true, money: { amount: 999_999_999_999_999, currency: 'USD' } });
    expect(parseAmount('10,000,000,000,000.00', 'USD')).toEqual({ ok: false, problem: 'too_large' });
  });
});

describe('converting at a rate Stripe recorded', () => {
  it('goes from the gift\'s currency to the settlement currency, and back with the inverse', () => {
    expect(convertAtRate({ amount: 10_000, currency: 'USD' }, 'HKD', '7.8')).toEqual({ amount: 78_000, currency: 'HKD' });
    expect(convertAtRate({ amount: 78_000, currency: 'HKD' }, 'USD', '7.8', { inverse: true })).toEqual({ amount: 10_000, currency: 'USD' });
    expect(convertAtRate({ amount: 10_000, currency: 'EUR' }, 'USD', '1.085')).toEqual({ amount: 10_850, currency: 'USD' });
    expect(convertAtRate({ amount: 10_850, currency: 'USD' }, 'EUR', '1.085', { inverse: true })).toEqual({ amount: 10_000, currency: 'EUR' });
    // Trailing zeros in the rate change nothing.
    expect(convertAtRate({ amount: 10_000, currency: 'USD' }, 'HKD', '7.80')).toEqual({ amount: 78_000, currency: 'HKD' });
  });

  it('rounds to the nearest minor unit, halves away from zero, refunds the same as gifts', () => {
    expect(convertAtRate({ amount: 100, currency: 'EUR' }, 'USD', '1.085')).toEqual({ amount: 109, currency: 'USD' }); // 108.5
    expect(convertAtRate({ amount: -100, currency: 'EUR' }, 'USD', '1.085')).toEqual({ amount: -109, currency: 'USD' });
    expect(convertAtRate({ amount: 101, currency: 'EUR' }, 'USD', '1.085')).toEqual({ amount: 110, currency: 'USD' }); // 109.585
    expect(convertAtRate({ amount: 1, currency: 'EUR' }, 'USD', '1.085')).toEqual({ amount: 1, currency: 'USD' }); // 1.085
    expect(convertAtRate({ amount: 100, currency: 'USD' }, 'EUR', '1.085', { inverse: true })).toEqual({ amount: 92, currency: 'EUR' }); // 92.17
    expect(convertAtRate({ amount: 39, currency: 'HKD' }, 'USD', '7.8', { inverse: true })).toEqual({ amount: 5, currency: 'USD' }); // 5.0
    expect(convertAtRate({ amount: 35, currency: 'HKD' }, 'USD', '7', { inverse: true })).toEqual({ amount: 5, currency: 'USD' });
    expect(convertAtRate({ amount: 7, currency: 'HKD' }, 'USD', '2', { inverse: true })).toEqual({ amount: 4, currency: 'USD' }); // 3.5
    expect(convertAtRate({ amount: -7, currency: 'HKD' }, 'USD', '2', { inverse: true })).toEqual({ amount: -4, currency: 'USD' });
  });

  it('handles zero-decimal and three-decimal currencies by their minor units', () => {
    // ¥10,000 at 0.0523 HKD per yen is HK$523.00.
    expect(convertAtRate({ amount: 10_000, currency: 'JPY' }, 'HKD', '0.0523')).toEqual({ amount: 52_300, currency: 'HKD' });
    expect(convertAtRate({ amount: 52_300, currency: 'HKD' }, 'JPY', '0.0523', { inverse: true })).toEqual({ amount: 10_000, currency: 'JPY' });
    // US$10.00 at 150.25 yen per dollar is ¥1,502.5, so ¥1,503; and back, ¥1,503 is US$10.00.
    expect(convertAtRate({ amount: 1_000, currency: 'USD' }, 'JPY', '150.25')).toEqual({ amount: 1_503, currency: 'JPY' });
    expect(convertAtRate({ amount: 1_503, currency: 'JPY' }, 'USD', '150.25', { inverse: true })).toEqual({ amount: 1_000, currency: 'USD' });
    // ¥1 is less than a cent's worth at 0.0067 USD per yen: 0.67 cents, so 1 cent.
    expect(convertAtRate({ amount: 1, currency: 'JPY' }, 'USD', '0.0067')).toEqual({ amount: 1, currency: 'USD' });
    // KWD 1.000 at 3.25 USD per dinar.
    expect(convertAtRate({ amount: 1_000, currency: 'KWD' }, 'USD', '3.25')).toEqual({ amount: 325, currency: 'USD' });
  });

  it('is exact where floating point is not', () => {
    // 123,456,789,012 × 7.8 = 962,962,954,293.6 exactly; 0.1 + 0.2 style drift would show here.
    expect(convertAtRate({ amount: 123_456_789_012, currency: 'USD' }, 'HKD', '7.8')).toEqual({ amount: 962_962_954_294, currency: 'HKD' });
    expect(convertAtRate({ amount: 1_005, currency: 'EUR' }, 'USD', '1.085')).toEqual({ amount: 1_090, currency: 'USD' }); // 1090.425
    expect(convertAtRate({ amount: 3, currency: 'USD' }, 'HKD', '0.5')).toEqual({ amount: 2, currency: 'HKD' }); // 1.5
  });

  it('leaves money in the currency it is already in alone, whatever the rate', () => {
    expect(convertAtRate({ amount: 12_345, currency: 'HKD' }, 'HKD', '7.8')).toEqual({ amount: 12_345, currency: 'HKD' });
    expect(convertAtRate({ amount: 12_345, currency: 'HKD' }, 'HKD', '7.8', { inverse: true })).toEqual({ amount: 12_345, currency: 'HKD' });
  });
});

describe('scaleByDecimal', () => {
  it('multiplies by an exact decimal and rounds half away from zero', () => {
    expect(scaleByDecimal(25_050, '0.034')).toBe(852); // 851.7: a 3.4% fee
    expect(scaleByDecimal(5, '0.5')).toBe(3); // 2.5: half up, where banker's rounding would give 2
    expect(scaleByDecimal(-5, '0.5')).toBe(-3);
    expect(scaleByDecimal(3, '0.5')).toBe(2); // 1.5
    expect(scaleByDecimal(1, '0.5')).toBe(1); // 0.5 → 1, not 0
    expect(scaleByDecimal(4, '0.1')).toBe(0); // 0.4
    expect(scaleByDecimal(0, '7.8')).toBe(0);
    expect(scaleByDecimal(10_000, '1')).toBe(10_000);
  });

  it('divides when asked', () => {
    expect(scaleByDecimal(100, '3', { divide: true })).toBe(33);
    expect(scaleByDecimal(200, '3', { divide: true })).toBe(67);
    expect(scaleByDecimal(-200, '3', { divide: true })).toBe(-67);
    expect(scaleByDecimal(1, '2', { divide: true })).toBe(1); // 0.5
    expect(scaleByDecimal(10_000, '0.25', { divide: true })).toBe(40_000);
  });

  it('shifts by powers of ten before rounding', () => {
    expect(scaleByDecimal(5, '1', { powerOfTen: 2 })).toBe(500);
    expect(scaleByDecimal(150, '1', { powerOfTen: -2 })).toBe(2); // 1.5
    expect(scaleByDecimal(-150, '1', { powerOfTen: -2 })).toBe(-2);
    expect(scaleByDecimal(149, '1', { powerOfTen: -2 })).toBe(1);
    expect(scaleByDecimal(1_000, '150.25', { powerOfTen: -2 })).toBe(1_503);
    expect(scaleByDecimal(1_503, '150.25', { divide: true, powerOfTen: 2 })).toBe(1_000);
  });

  it('refuses what is not a plain decimal, and division by zero', () => {
    for (const bad of ['', 'abc', '1e3', '-1', '.5', '1.', '1,5', 'NaN', 'Infinity']) {
      expect(() => scaleByDecimal(100, bad)).toThrow(RangeError);
    }
    expect(() => scaleByDecimal(100, '0', { divide: true })).toThrow(/divide by zero/);
    expect(() => scaleByDecimal(100, '0.000', { divide: true })).toThrow(/divide by zero/);
    expect(scaleByDecimal(100, '0')).toBe(0);
  });
});
