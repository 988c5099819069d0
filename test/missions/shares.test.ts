// Each donor's share of a round (issue #17), by the rule the share sentences state: the round's income
// divided by largest remainder (allocateInProportion), a share as hundredths of a percent, and what that
// share is of the children operated. Properties with a fixed seed and bounded runs, and the boundaries by hand.
import fc from 'fast-check';
import { allocateInProportion } from '../../server/money';
import { hundredthsOfPercent, outcomeShare, type OutcomeShare } from '../../server/missions/rounds/shares';
import { shareSentences, type ShareOfRound } from '../../server/missions/rounds/share.view';

const settings = { seed: 20_260_610, numRuns: 300 };

/** Weights as givers' net gifts are: whole minor units, none negative, at least one above zero. */
const weights = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 5_000_000_000 })), { minLength: 1, maxLength: 40 }).filter((ws) => ws.some((w) => w > 0));
const total = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 100_000_000_000 }), fc.integer({ min: -1_000_000, max: -1 }));

const sumOf = (parts: number[]) => parts.reduce((a, b) => a + BigInt(b), 0n);

describe('allocateInProportion', () => {
  it('gives parts that add up to the total exactly', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = allocateInProportion(t, ws);
        expect(parts).toHaveLength(ws.length);
        expect(sumOf(parts)).toBe(BigInt(t));
        for (const part of parts) expect(Number.isSafeInteger(part)).toBe(true);
      }),
      settings,
    );
  });

  it('keeps each part within one minor unit of its exact proportion, rounded down or up by one', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = allocateInProportion(t, ws);
        const whole = sumOf(ws);
        parts.forEach((part, i) => {
          // part − t·w/W, times W: strictly between −W and W, and never below the floor.
          const off = BigInt(part) * whole - BigInt(t) * BigInt(ws[i]!);
          expect(off > -whole && off < whole).toBe(true);
          const floor = BigInt(t) * BigInt(ws[i]!) - (((BigInt(t) * BigInt(ws[i]!)) % whole) + whole) % whole;
          expect([floor / whole, floor / whole + 1n]).toContain(BigInt(part));
        });
      }),
      settings,
    );
  });

  it('gives the units left over to the largest remainders, the earlier first on ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), weights, (t, ws) => {
        const parts = allocateInProportion(t, ws);
        const whole = sumOf(ws);
        const rounded = ws.map((w, i) => {
          const exact = BigInt(t) * BigInt(w);
          return { i, remainder: exact % whole, up: BigInt(parts[i]!) * whole > exact };
        });
        // Everyone rounded up had a remainder at least as large as anyone rounded down, and when equal, came first.
        for (const up of rounded.filter((r) => r.up)) {
          for (const down of rounded.filter((r) => !r.up)) {
            expect(up.remainder > down.remainder || (up.remainder === down.remainder && up.i < down.i)).toBe(true);
          }
        }
      }),
      settings,
    );
  });

  it('gives nothing to a weight of nothing', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        allocateInProportion(t, ws).forEach((part, i) => {
          if (ws[i] === 0) expect(part).toBe(0);
        });
      }),
      settings,
    );
  });

  it('divides as the stated rule says in the cases a person can check', () => {
    expect(allocateInProportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    // Three equal remainders and two units: the first two.
    expect(allocateInProportion(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocateInProportion(2, [5, 5, 5])).toEqual([1, 1, 0]);
    // 10 × 1/3 = 3.33 and 10 × 2/3 = 6.67: the larger remainder takes the unit, though it comes second.
    expect(allocateInProportion(10, [1, 2])).toEqual([3, 7]);
    expect(allocateInProportion(5, [0, 3, 0, 2])).toEqual([0, 3, 0, 2]);
    expect(allocateInProportion(0, [4, 6])).toEqual([0, 0]);
    expect(allocateInProportion(7, [9])).toEqual([7]);
    // Beyond what a double multiplies exactly: CN¥90 trillion among three.
    expect(allocateInProportion(9_000_000_000_000_000, [1, 1, 1])).toEqual([3_000_000_000_000_000, 3_000_000_000_000_000, 3_000_000_000_000_000]);
    // A total below zero (what the rates left after every gift in a currency came back) follows the same rule.
    expect(allocateInProportion(-10, [1, 2])).toEqual([-3, -7]);
    expect(allocateInProportion(-1, [1, 1])).toEqual([0, -1]);
  });

  it('refuses to divide money among weights that add up to nothing, but divides nothing among them', () => {
    expect(() => allocateInProportion(1, [0, 0])).toThrow(RangeError);
    expect(() => allocateInProportion(-5, [])).toThrow(RangeError);
    expect(allocateInProportion(0, [0, 0])).toEqual([0, 0]);
    expect(allocateInProportion(0, [])).toEqual([]);
  });
});

describe('hundredthsOfPercent', () => {
  it('is the share in hundredths of a percent, rounded half up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (income, countedRaw) => {
        const counted = countedRaw % (income + 1);
        const h = BigInt(hundredthsOfPercent(counted, income));
        // h − counted·10000/income in [−½, ½): twice it, times income.
        const off = 2n * h * BigInt(income) - 20_000n * BigInt(counted);
        expect(off >= -BigInt(income) && off < BigInt(income)).toBe(true);
      }),
      settings,
    );
  });

  it('says 0.13% for CN¥1,000 of CN¥769,230.77, and meets its edges', () => {
    expect(hundredthsOfPercent(100_000, 76_923_077)).toBe(13);
    expect(hundredthsOfPercent(1, 1)).toBe(10_000);
    expect(hundredthsOfPercent(1, 3)).toBe(3_333);
    expect(hundredthsOfPercent(2, 3)).toBe(6_667);
    expect(hundredthsOfPercent(1, 8)).toBe(1_250);
    // Exactly half a hundredth rounds up; just below half rounds to nothing.
    expect(hundredthsOfPercent(1, 20_000)).toBe(1);
    expect(hundredthsOfPercent(1, 20_001)).toBe(0);
    expect(hundredthsOfPercent(0, 500)).toBe(0);
    expect(hundredthsOfPercent(5, 0)).toBe(0);
    expect(hundredthsOfPercent(-5, 100)).toBe(0);
    expect(hundredthsOfPercent(4_503_599_627_370_496, 9_007_199_254_740_991)).toBe(5_000);
  });
});

describe('outcomeShare', () => {
  it('makes CN¥1,000 of a round that raised CN¥769,230.77 and operated on 152 children about a fifth of one operation', () => {
    // 0.13% of 152 children is 0.1976 of one: nearest to a fifth.
    expect(outcomeShare(152, 100_000, 76_923_077)).toEqual({ kind: 'fraction', denominator: 5 });
  });

  it('meets the boundaries between its ways of saying it', () => {
    const cases: Array<[count: number, counted: number, income: number, expected: OutcomeShare]> = [
      [0, 1, 1, { kind: 'none' }],
      [5, 0, 1, { kind: 'none' }],
      [5, 1, 0, { kind: 'none' }],
      [1, 1, 1, { kind: 'one' }],
      [152, 1, 152, { kind: 'one' }],
      // 0.95 of one is "about one"; 1.05 is "about 1.1".
      [19, 1, 20, { kind: 'one' }],
      [104, 1, 100, { kind: 'one' }],
      [21, 1, 20, { kind: 'many', tenths: 11 }],
      [152, 1, 1, { kind: 'many', tenths: 1_520 }],
      [5, 1, 2, { kind: 'many', tenths: 25 }],
      // Just below 0.95, and above three fifths: a percent of one.
      [949, 1, 1_000, { kind: 'percent', percent: 95 }],
      [61, 1, 100, { kind: 'percent', percent: 61 }],
      // Three fifths to two twenty-firsts: the nearest simple fraction, a half to a tenth.
      [3, 1, 5, { kind: 'fraction', denominator: 2 }],
      [1, 1, 2, { kind: 'fraction', denominator: 2 }],
      [1, 1, 3, { kind: 'fraction', denominator: 3 }],
      [1, 1, 4, { kind: 'fraction', denominator: 4 }],
      [1, 1, 7, { kind: 'fraction', denominator: 7 }],
      [1, 1, 8, { kind: 'fraction', denominator: 8 }],
      [1, 1, 10, { kind: 'fraction', denominator: 10 }],
      [2, 1, 21, { kind: 'fraction', denominator: 10 }],
      // Below two twenty-firsts: a whole percent, down to half of one percent.
      [1, 1, 11, { kind: 'percent', percent: 9 }],
      [1, 1, 200, { kind: 'percent', percent: 1 }],
      [1, 1, 201, { kind: 'tiny' }],
      [152, 1, 76_923_077, { kind: 'tiny' }],
    ];
    for (const [count, counted, income, expected] of cases) expect({ count, counted, income, share: outcomeShare(count, counted, income) }).toEqual({ count, counted, income, share: expected });
  });

  it('is always about right: each way of saying it is within half a step of the exact part', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 1, max: 10_000_000_000 }), (count, a, b) => {
        const [counted, income] = a <= b ? [a, b] : [b, a];
        // The exact part of one outcome, x = n / w.
        const n = BigInt(count) * BigInt(counted);
        const w = BigInt(income);
        const share = outcomeShare(count, counted, income);
        switch (share.kind) {
          case 'one':
            // 0.95 ≤ x < 1.05
            expect(20n * n >= 19n * w && 20n * n < 21n * w).toBe(true);
            break;
          case 'many':
            // |10x − tenths| ≤ ½, and x ≥ 1.05
            expect(2n * (10n * n) >= (2n * BigInt(share.tenths) - 1n) * w && 2n * (10n * n) < (2n * BigInt(share.tenths) + 1n) * w).toBe(true);
            expect(share.tenths).toBeGreaterThan(10);
            break;
          case 'fraction':
            // 2/21 ≤ x ≤ 3/5, and 1/x rounds to the denominator (clamped to a half or a tenth)
            expect(21n * n >= 2n * w && 5n * n <= 3n * w).toBe(true);
            expect(share.denominator).toBeGreaterThanOrEqual(2);
            expect(share.denominator).toBeLessThanOrEqual(10);
            if (share.denominator > 2) expect(2n * w >= (2n * BigInt(share.denominator) - 1n) * n).toBe(true);
            if (share.denominator < 10) expect(2n * w < (2n * BigInt(share.denominator) + 1n) * n).toBe(true);
            break;
          case 'percent':
            // |100x − percent| ≤ ½, never a percent of one where "about one" or a fraction is said
            expect(2n * 100n * n >= (2n * BigInt(share.percent) - 1n) * w && 2n * 100n * n < (2n * BigInt(share.percent) + 1n) * w).toBe(true);
            expect(share.percent).toBeGreaterThanOrEqual(1);
            expect(share.percent).toBeLessThanOrEqual(95);
            expect(21n * n < 2n * w || 5n * n > 3n * w).toBe(true);
            break;
          case 'tiny':
            expect(200n * n < w).toBe(true);
            break;
          case 'none':
            throw new Error('a positive share of a positive count is never nothing');
        }
      }),
      settings,
    );
  });
});

describe('shareSentences', () => {
  const may: ShareOfRound = {
    round: 'Happy Smile: May 2026 mission',
    given: [{ amount: 100_000, currency: 'CNY' }],
    counted: { amount: 100_000, currency: 'CNY' },
    income: { amount: 76_923_077, currency: 'CNY' },
    childrenOperated: 152,
    speechTherapySessions: 0,
  };

  it('tells a donor who gave in the mission’s currency their percent and their part of an operation, as the issue says it', () => {
    expect(shareSentences(may, 'en')).toEqual([
      'Your CN¥1,000.00 was 0.13% of what Happy Smile: May 2026 mission raised (CN¥769,230.77).',
      'The round operated on 152 children, so your gifts paid for about a fifth of one operation.',
    ]);
  });

  it('says what gifts in other currencies were counted as, and the sessions too', () => {
    const share: ShareOfRound = {
      ...may,
      given: [
        { amount: 10_000, currency: 'HKD' },
        { amount: 3_000, currency: 'USD' },
      ],
      counted: { amount: 30_784, currency: 'CNY' },
      income: { amount: 100_000, currency: 'CNY' },
      childrenOperated: 4,
      speechTherapySessions: 300,
    };
    expect(shareSentences(share, 'en')).toEqual([
      'Your HK$100.00 and US$30.00, counted as CN¥307.84, was 30.78% of what Happy Smile: May 2026 mission raised (CN¥1,000.00).',
      'The round operated on 4 children, so your gifts paid for about 1.2 operations.',
      'It also gave 300 speech-therapy sessions; your share is about 92 sessions.',
    ]);
  });

  it('says less than 0.01% and a small part of one operation for the smallest gift, and nothing of sessions the round did not give', () => {
    const sentences = shareSentences({ ...may, given: [{ amount: 100, currency: 'CNY' }], counted: { amount: 100, currency: 'CNY' } }, 'en');
    expect(sentences).toEqual([
      'Your CN¥1.00 was less than 0.01% of what Happy Smile: May 2026 mission raised (CN¥769,230.77).',
      'The round operated on 152 children, so your gifts paid for a small part of one operation.',
    ]);
  });

  it('speaks Traditional Chinese as Hong Kong writes it', () => {
    expect(shareSentences({ ...may, round: '微笑行動：2026年5月醫療隊' }, 'zh-HK')).toEqual([
      '您的CN¥1,000.00佔微笑行動：2026年5月醫療隊所籌善款（CN¥769,230.77）的0.13%。',
      '本輪共為152名兒童完成手術，您的捐款約相當於一次手術的五分之一。',
    ]);
  });
});
