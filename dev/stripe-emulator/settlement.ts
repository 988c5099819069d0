// The account's settlement currency, the fixed rates it converts with and the fees it is charged.
// Money here is integer minor units; rates and percentages are decimal strings worked with BigInt.
import { Router } from 'express';
import { convertAtRate, scaleByDecimal } from '../../server/money';

export interface Settlement {
  /** Lower case, as Stripe writes currencies. */
  currency: string;
  /** Units of the settlement currency one unit of each currency buys. */
  rates: Record<string, string>;
  /** Processing fee on every successful payment: a percentage plus a fixed amount. */
  feePercent: string;
  feeFixed: number;
  /** Taken when a dispute opens, and returned if it is won. */
  disputeFee: number;
}

const settlements: Record<string, Omit<Settlement, 'currency'>> = {
  // Stripe's Hong Kong card pricing, 3.4% + HK$2.35.
  hkd: { rates: { cny: '1.0850', usd: '7.8000', hkd: '1' }, feePercent: '3.4', feeFixed: 235, disputeFee: 8500 },
  usd: { rates: { cny: '0.1391', hkd: '0.1282', usd: '1' }, feePercent: '2.9', feeFixed: 30, disputeFee: 1500 },
};

export function settlementIn(currency: string): Settlement {
  const key = currency.toLowerCase();
  const found = settlements[key];
  if (!found) throw new Error(`The Stripe emulator settles in ${Object.keys(settlements).join(' or ')}, not ${currency}`);
  return { currency: key, ...found };
}

export interface Conversion {
  /** In the settlement currency's minor units. */
  amount: number;
  /** The rate as a decimal string, or null when no conversion happened. */
  rate: string | null;
}

export function convertToSettlement(settlement: Settlement, amount: number, currency: string, rate = rateFor(settlement, currency)): Conversion {
  if (currency.toLowerCase() === settlement.currency) return { amount, rate: null };
  return { amount: convertAtRate({ amount, currency: currency.toUpperCase() }, settlement.currency.toUpperCase(), rate).amount, rate };
}

export function rateFor(settlement: Settlement, currency: string): string {
  const rate = settlement.rates[currency.toLowerCase()];
  if (!rate) throw new Error(`no rate for ${currency}`);
  return rate;
}

export function canSettle(settlement: Settlement, currency: string): boolean {
  return currency.toLowerCase() in settlement.rates;
}

/** The processing fee on a payment of `amount` settlement minor units: percentage rounded half up, plus the fixed part. */
export function processingFee(settlement: Settlement, amount: number): number {
  return scaleByDecimal(amount, settlement.feePercent, { powerOfTen: -2 }) + settlement.feeFixed;
}

const day = 24 * 60 * 60;
/** Days from a payment until its funds may be paid out. */
export const daysUntilAvailable = 2;

/** Stripe makes funds available at midnight UTC, some days after the payment. */
export function availableOn(created: number, days = daysUntilAvailable): number {
  return Math.floor(created / day) * day + days * day;
}

/** GET /_emulator/rates: the table conversions use, for tests and pages that show converted amounts. */
export function ratesRoutes(settlement: Settlement): Router {
  const routes = Router();
  routes.get('/_emulator/rates', (_req, res) => {
    res.json({ settlement_currency: settlement.currency, rates: settlement.rates });
  });
  return routes;
}
