// The organisation's fiscal year: which one a moment falls in, its bounds and its name, checked at the
// boundaries with fixed dates and as properties over many moments, starts and time zones (fixed seed).
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../server/config';
import { fiscalYearBounds, fiscalYearDays, fiscalYearLabel, fiscalYearOf, parseFiscalYearStart, statementDay, type FiscalYearStart } from '../server/fiscal-year';

const hongKong = 'Asia/Hong_Kong';
const april: FiscalYearStart = { month: 4, day: 1 };
const january: FiscalYearStart = { month: 1, day: 1 };
const settings = { seed: 20_260_401, numRuns: 300 };

describe('the fiscal year', () => {
  it('puts 31 March 23:59 in Hong Kong in the year of assessment ending then, and 1 April 00:00 in the next', () => {
    expect(fiscalYearOf(new Date('2027-03-31T23:59:59.999+08:00'), april, hongKong)).toBe(2026);
    expect(fiscalYearOf(new Date('2027-04-01T00:00:00+08:00'), april, hongKong)).toBe(2027);
    // 1 April 00:30 in Hong Kong is still 31 March in London and in UTC: the organisation's calendar decides.
    expect(fiscalYearOf(new Date('2027-04-01T00:30:00+08:00'), april, 'UTC')).toBe(2026);
    expect(fiscalYearOf(new Date('2026-06-10T10:00:00+08:00'), april, hongKong)).toBe(2026);
    expect(fiscalYearOf(new Date('2027-01-01T00:00:00+08:00'), january, hongKong)).toBe(2027);
    expect(fiscalYearOf(new Date('2026-12-31T23:59:59+08:00'), january, hongKong)).toBe(2026);
  });

  it('runs from midnight on its first day in the organisation’s time zone to midnight on the next year’s', () => {
    expect(fiscalYearBounds(2026, april, hongKong)).toEqual({ start: new Date('2026-04-01T00:00:00+08:00'), end: new Date('2027-04-01T00:00:00+08:00') });
    expect(fiscalYearBounds(2026, january, hongKong)).toEqual({ start: new Date('2026-01-01T00:00:00+08:00'), end: new Date('2027-01-01T00:00:00+08:00') });
    // London's year of assessment starting 6 April, in summer time by then.
    expect(fiscalYearBounds(2026, { month: 4, day: 6 }, 'Europe/London')).toEqual({ start: new Date('2026-04-05T23:00:00Z'), end: new Date('2027-04-05T23:00:00Z') });
    expect(fiscalYearDays(2026, april)).toEqual({ first: '2026-04-01', last: '2027-03-31' });
    expect(fiscalYearDays(2027, { month: 3, day: 1 })).toEqual({ first: '2027-03-01', last: '2028-02-29' });
  });

  it('is named as Hong Kong writes a year of assessment, or by its calendar year', () => {
    expect(fiscalYearLabel(2026, april)).toBe('2026/27');
    expect(fiscalYearLabel(2099, april)).toBe('2099/00');
    expect(fiscalYearLabel(2026, { month: 7, day: 1 })).toBe('2026/27');
    expect(fiscalYearLabel(2026, january)).toBe('2026');
  });

  it('sends statements on its fifth day, in whichever month that falls', () => {
    expect(statementDay(april)).toEqual({ month: 4, day: 5 });
    expect(statementDay(january)).toEqual({ month: 1, day: 5 });
    expect(statementDay({ month: 12, day: 30 })).toEqual({ month: 1, day: 3 });
    expect(statementDay({ month: 2, day: 28 })).toEqual({ month: 3, day: 4 });
  });

  it('holds every moment in the year it is said to fall in, and only there', () => {
    const start = fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) }).filter((s) => parseFiscalYearStart(`${String(s.month).padStart(2, '0')}-${String(s.day).padStart(2, '0')}`) !== undefined);
    const zone = fc.constantFrom(hongKong, 'UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kathmandu');
    const moment = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2090-01-01T00:00:00Z') }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(moment, start, zone, (at, fiscalStart, timeZone) => {
        const year = fiscalYearOf(at, fiscalStart, timeZone);
        const { start: from, end } = fiscalYearBounds(year, fiscalStart, timeZone);
        expect(from.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(at.getTime()).toBeLessThan(end.getTime());
        // A moment before the year's start belongs to the year before; the year's end, to the next.
        expect(fiscalYearOf(new Date(from.getTime() - 1), fiscalStart, timeZone)).toBe(year - 1);
        expect(fiscalYearOf(end, fiscalStart, timeZone)).toBe(year + 1);
      }),
      settings,
    );
  });

  it('is read from ORG_FISCAL_YEAR_START as MM-DD, 1 January unless set, and refused with a clear reason otherwise', () => {
    expect(loadConfig({}).fiscalYearStart).toEqual(january);
    expect(loadConfig({ ORG_FISCAL_YEAR_START: '' }).fiscalYearStart).toEqual(january);
    expect(loadConfig({ ORG_FISCAL_YEAR_START: '04-01' }).fiscalYearStart).toEqual(april);
    for (const bad of ['4-1', '31-03', '04-31', '02-29', '00-10', 'April']) {
      let problems: string[] = [];
      try {
        loadConfig({ ORG_FISCAL_YEAR_START: bad });
      } catch (error) {
        if (error instanceof ConfigError) problems = error.problems;
      }
      expect(problems).toEqual([`ORG_FISCAL_YEAR_START: expected the first day of the fiscal year as MM-DD, such as 04-01 (Hong Kong’s year of assessment) or 01-01 (a calendar year) (got ${JSON.stringify(bad)})`]);
    }
  });

  it('gives receipts a default wording that puts section 88’s HK$100 on the year’s total, in all three languages', () => {
    const { receiptWording } = loadConfig({});
    expect(receiptWording.en).toContain('when they total HK$100 or more in a year of assessment (1 April to 31 March): the HK$100 is for the year’s total, not for each gift');
    expect(receiptWording['zh-CN']).toContain('100元是全年合计，并非每笔捐款的门槛');
    expect(receiptWording['zh-HK']).toContain('100元是全年合計，並非每筆捐款的門檻');
    for (const wording of Object.values(receiptWording)) expect(wording).not.toMatch(/Donations of HK\$100 or more are tax deductible/);
    // An organisation's own Simplified wording is what Hong Kong readers get converted, not the default's.
    expect(loadConfig({ RECEIPT_WORDING_ZH: '本会捐款收据。' }).receiptWording['zh-HK']).toBeUndefined();
  });
});
