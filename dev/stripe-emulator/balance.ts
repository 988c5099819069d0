// Balance transactions: every movement of the account's money, in the settlement currency.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { sample } from './fixtures';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { expand, parseParams, text } from './params';
import { watchFallingDue } from './falling-due';
import { respond } from './responses';

export interface BalanceEntry {
  type: Stripe.BalanceTransaction.Type;
  reporting_category: string;
  /** Settlement minor units; negative when money leaves the balance. */
  amount: number;
  fee: number;
  feeDescription?: string;
  source: string;
  description: string | null;
  /** The decimal rate the amount was converted with, when it was. */
  rate?: string | null;
  /** Defaults to now: money that leaves the balance does so at once. */
  available_on?: number;
}

export function recordBalanceTransaction(account: Account, entry: BalanceEntry): Stripe.BalanceTransaction {
  const { store, settlement } = account;
  const created = store.now();
  const available = entry.available_on ?? created;
  const transaction: Stripe.BalanceTransaction = {
    ...sample('balance_transaction'),
    id: newId('txn'),
    amount: entry.amount,
    available_on: available,
    balance_type: 'payments',
    created,
    currency: settlement.currency,
    description: entry.description,
    // Stripe returns the rate as a JSON number; it is for reading, the amounts above are exact.
    exchange_rate: entry.rate ? Number(entry.rate) : null,
    fee: entry.fee,
    fee_details:
      entry.fee === 0
        ? []
        : [{ amount: entry.fee, application: null, currency: settlement.currency, description: entry.feeDescription ?? 'Stripe processing fees', type: 'stripe_fee' }],
    net: entry.amount - entry.fee,
    reporting_category: entry.reporting_category,
    source: entry.source,
    status: available <= created ? 'available' : 'pending',
    type: entry.type,
  };
  return store.insert(transaction);
}

/** Funds become available as the clock passes their available_on. */
const pendingFunds = watchFallingDue('balance_transaction', (transaction) => (transaction.status === 'pending' ? transaction.available_on : undefined));

export function makeFundsAvailable(account: Account): void {
  pendingFunds(account.store, account.store.now(), (transaction) => {
    transaction.status = 'available';
  });
}

const listTransactionsParams = listParams({
  payout: text.optional(),
  type: text.optional(),
  source: text.optional(),
  currency: text.optional(),
});

export function balanceRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/balance_transactions', (req, res) => {
    const params = parseParams(listTransactionsParams, req.query);
    if (params.payout) account.store.get('payout', params.payout, 'payout');
    const transactions = account.store
      .all('balance_transaction')
      .filter((transaction) => (params.payout ? account.store.notes(transaction.id).payout === params.payout : true))
      .filter((transaction) => (params.type ? transaction.type === params.type : true))
      .filter((transaction) => (params.source ? transaction.source === params.source : true))
      .filter((transaction) => (params.currency ? transaction.currency === params.currency.toLowerCase() : true));
    respond(res, account, paginate(transactions, params, '/v1/balance_transactions'), params.expand);
  });
  routes.get('/v1/balance_transactions/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('balance_transaction', req.params.id), params.expand);
  });
  return routes;
}
