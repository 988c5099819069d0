// Payouts: everything available in the balance and not yet paid out, sent to the bank in one payout.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { makeFundsAvailable, recordBalanceTransaction } from './balance';
import { invalidRequest } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId, randomToken } from './ids';
import { listParams, paginate, timestampFilter, withinRange } from './lists';
import { expand, parseParams } from './params';
import { respond } from './responses';

const day = 24 * 60 * 60;
/** The account's bank account, as Stripe names an external account. */
const bankAccount = 'ba_1EmulatorBankAccountHK';

export function payOutAvailableBalance(account: Account): Stripe.Payout {
  const { store, settlement } = account;
  makeFundsAvailable(account);
  const unpaid = store.all('balance_transaction').filter((transaction) => transaction.type !== 'payout' && !store.notes(transaction.id).payout);
  const available = unpaid.filter((transaction) => transaction.status === 'available');
  const amount = available.reduce((sum, transaction) => sum + transaction.net, 0);
  if (available.length === 0 || amount <= 0) {
    const pending = unpaid.length - available.length;
    const waiting = pending > 0 ? ` ${pending} balance transaction${pending === 1 ? ' is' : 's are'} still pending; advance the clock past their available_on.` : '';
    throw invalidRequest(`There is no available balance to pay out.${waiting}`, { code: 'balance_insufficient' });
  }
  const now = store.now();
  const id = newId('po');
  const transaction = recordBalanceTransaction(account, {
    type: 'payout',
    reporting_category: 'payout',
    amount: -amount,
    fee: 0,
    source: id,
    description: 'STRIPE PAYOUT',
  });
  const payout: Stripe.Payout = {
    ...sample('payout'),
    id,
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: Math.floor(now / day) * day + day,
    automatic: true,
    balance_transaction: transaction.id,
    created: now,
    currency: settlement.currency,
    description: 'STRIPE PAYOUT',
    destination: bankAccount,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'completed',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'pending',
    trace_id: { status: 'supported', value: `EMU${randomToken(12).toUpperCase()}` },
    type: 'bank_account',
  };
  store.insert(payout);
  // Stripe lists a payout's own transaction under ?payout= along with the ones it paid out.
  for (const paid of [...available, transaction]) store.notes(paid.id).payout = id;
  account.emit('payout.created', payout);
  payout.status = 'paid';
  account.emit('payout.paid', payout);
  return payout;
}

const listPayoutsParams = listParams({ status: z.enum(['canceled', 'failed', 'in_transit', 'paid', 'pending']).optional(), arrival_date: timestampFilter.optional(), destination: z.string().optional() });

export function payoutRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/payouts', (req, res) => {
    const params = parseParams(listPayoutsParams, req.query);
    const payouts = account.store
      .all('payout')
      .filter((payout) => (params.status ? payout.status === params.status : true))
      .filter((payout) => withinRange(payout.arrival_date, params.arrival_date))
      .filter((payout) => (params.destination ? payout.destination === params.destination : true));
    respond(res, account, paginate(payouts, params, '/v1/payouts'), params.expand);
  });
  routes.get('/v1/payouts/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('payout', req.params.id), params.expand);
  });
  routes.post('/_emulator/payouts', (req, res) => {
    parseParams(z.strictObject({}), req.body);
    const payout = account.onBehalfOf(requestOf(res, req), () => payOutAvailableBalance(account));
    respond(res, account, payout);
  });
  return routes;
}
