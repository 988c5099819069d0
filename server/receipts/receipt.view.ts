// A receipt as people read it, for the email and the printable page alike.
import type { Db } from '../database';
import { publicUrl, type ReadyConfig } from '../config';
import { localize } from '../locale';
import { formatMoney } from '../money';
import { signToken } from '../http/signed-links';
import { wordingFor } from './wording';

export async function loadReceipt(db: Db, receiptId: string) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .select([
      'receipts.id',
      'receipts.number',
      'receipts.issued_at',
      'donations.id as donation_id',
      'donations.amount',
      'donations.currency',
      'donations.frequency',
      'donations.payment_method',
      'donations.dedication_kind',
      'donations.dedication_name',
      'donations.donor_name',
      'donations.locale',
      'campaigns.title as campaign_title',
      'donors.email',
      'donors.name as donor_record_name',
    ])
    .where('receipts.id', '=', receiptId)
    .executeTakeFirst();
}

export type LoadedReceipt = NonNullable<Awaited<ReturnType<typeof loadReceipt>>>;

export function receiptView(config: ReadyConfig, receipt: LoadedReceipt) {
  const { locale, wording: w } = wordingFor(receipt.locale);
  const name = receipt.donor_name ?? receipt.donor_record_name ?? receipt.email ?? '';
  const campaign = localize(receipt.campaign_title, locale);
  const dedication = receipt.dedication_kind && receipt.dedication_name ? w[receipt.dedication_kind](receipt.dedication_name) : null;
  return {
    locale,
    w,
    subject: w.receiptSubject(receipt.number, campaign),
    thanks: w.thanks(name),
    organisation: config.organisation,
    wording: config.receiptWording[locale],
    number: receipt.number,
    donorName: name,
    givenOn: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: config.organisation.timeZone }).format(receipt.issued_at),
    amount: formatMoney(receipt, locale),
    campaign,
    kind: w[receipt.frequency],
    paymentMethod: receipt.payment_method ? (w.methods[receipt.payment_method] ?? receipt.payment_method) : null,
    dedication,
    printableUrl: `${publicUrl(config)}/receipts/${signToken(config.sessionSecret, 'receipt', receipt.id)}`,
  };
}
