import { addMoney, currencyExponent, formatMoney, money, parseAmount, percentOf, toMajorUnits } from '../server/money';

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
    expect(formatMoney({ amount: 900_719_925_474_099, currency: 'USD' }, 'en')).toBe('$9,007,199,254,740.99');
    expect(formatMoney({ amount: 80_000_000, currency: 'CNY' }, 'en', { wholeUnits: true })).toBe('CN¥800,000');
  });

  it('never adds across currencies', () => {
    expect(addMoney(money(1, 'HKD'), money(2, 'HKD'))).toEqual(money(3, 'HKD'));
    expect(() => addMoney(money(1, 'HKD'), money(1, 'USD'))).toThrow(/without a recorded rate/);
    expect(percentOf({ amount: 79_999, currency: 'CNY' }, { amount: 80_000, currency: 'CNY' })).toBe(99);
  });
});
