import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities } from '../support/html';
import { aLedgerEntry, aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, downloadText, signInAs, type StaffAgent } from '../support/staff';

/** The gifts CSV as one record per gift id, keyed by column name (the gifts here have no commas or quotes). */
async function giftsCsv(finance: StaffAgent, query: string): Promise<Map<string, Record<string, string>>> {
  const text = await downloadText(finance, `/staff/finance/exports/gifts.csv?${query}`);
  const [header, ...lines] = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const columns = header!.split(',');
  return new Map(
    lines.map((line) => {
      const values = line.split(',');
      return [values[0]!, Object.fromEntries(columns.map((c, i) => [c, values[i] ?? '']))];
    }),
  );
}

function totalsLine(html: string, currency: string, settlement: string): string | undefined {
  const row = new RegExp(`<tr data-currency="${currency}" data-settlement-currency="${settlement}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
  return row === undefined ? undefined : decodeEntities(row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
}

describe('finance: what the ledger says was given, refunded and disputed', () => {
  let t: TestContext;
  let finance: StaffAgent;
  let refunded: string, disputed: string, corrected: string;

  beforeAll(async () => {
    t = await startTestContext();
    const db = t.database.db;
    await seedDemoData(db, testNow);
    const speech = await campaignId(db, 'speech-therapy-fund');
    finance = await signInAs(t.app, (await aStaffMember(db, ['finance'])).email);

    // HK$500: HK$100 refunded, then HK$50 of that refund reversed; a dispute of HK$200, won.
    const first = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 50_000, currency: 'HKD', occurredAt: new Date('2026-02-10T04:00:00Z') });
    await aLedgerEntry(db, first, { kind: 'refund', amount: -10_000 });
    await aLedgerEntry(db, first, { kind: 'refund_reversal', amount: 5_000 });
    await aLedgerEntry(db, first, { kind: 'dispute', amount: -20_000 });
    await aLedgerEntry(db, first, { kind: 'dispute_won', amount: 20_000 });
    refunded = first.id;
    // HK$300, lost to a dispute.
    const second = await aPaidGift(db, { campaignId: speech, donorId: null, amount: 30_000, currency: 'HKD', occurredAt: new Date('2026-02-11T04:00:00Z') });
    await aLedgerEntry(db, second, { kind: 'dispute', amount: -30_000 });
    disputed = second.id;

    // A cheque typed as HK$8,000 and corrected to HK$800: a reversal row and a replacement row.
    const cheque = {
      donor_type: 'enterprise',
      donor_name: 'Harbour Dental Ltd',
      donor_email: '',
      amount: '8000',
      currency: 'HKD',
      method: 'cheque',
      reference: 'HSBC 004512',
      received_on: '2026-02-12',
      campaign: 'speech-therapy-fund',
      locale: 'en',
    };
    const recorded = await finance.post('/staff/finance/offline-gifts', cheque).expect(303);
    corrected = /([0-9a-f-]{36})/.exec(String(recorded.headers.location))![1]!;
    await finance.post(`/staff/finance/gifts/${corrected}/correction`, { ...cheque, amount: '800', reason: 'One zero too many.' }).expect(303);
  });
  afterAll(() => t.close());

  it('exports refunds and disputes in their own columns, net of their reversals, and a corrected offline gift as neither', async () => {
    const rows = await giftsCsv(finance, 'from=2026-02-01&to=2026-02-28');
    const money = (id: string) => {
      const { amount, refunded: back, disputed: lost, kept } = rows.get(id)!;
      return { amount, refunded: back, disputed: lost, kept };
    };
    expect(money(refunded)).toEqual({ amount: '500.00', refunded: '50.00', disputed: '0.00', kept: '450.00' });
    expect(money(disputed)).toEqual({ amount: '300.00', refunded: '0.00', disputed: '300.00', kept: '0.00' });
    expect(money(corrected)).toEqual({ amount: '800.00', refunded: '0.00', disputed: '0.00', kept: '800.00' });
  });

  it('totals what was given once per gift, however often an offline gift was corrected', async () => {
    const page = await finance.agent.get('/staff/finance/gifts?from=2026-02-01&to=2026-02-28').expect(200);
    // Gift currency, gifts, given, refunded and disputed, gross kept | settled in, settlement, fee, net.
    expect(totalsLine(page.text, 'HKD', 'HKD')).toBe('HKD 3 HK$1,600.00 -HK$350.00 HK$1,250.00 HKD HK$1,250.00 HK$0.00 HK$1,250.00');
  });
});
