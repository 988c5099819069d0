// Disputes (chargebacks): opened and closed through helper endpoints, as a card network would,
// each moving the disputed amount and the dispute fee through the balance.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { recordBalanceTransaction } from './balance';
import { invalidRequest } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { expand, parseParams, text } from './params';
import { chargeNamed, settlementShare } from './refunds';
import { respond } from './responses';

const reasons = [
  'bank_cannot_process', 'check_returned', 'credit_not_processed', 'customer_initiated', 'debit_not_authorized', 'duplicate', 'fraudulent', 'general',
  'incorrect_account_details', 'insufficient_funds', 'product_not_received', 'product_unacceptable', 'subscription_canceled', 'unrecognized',
] as const;
const week = 7 * 24 * 60 * 60;

function methodDetails(charge: Stripe.Charge): Stripe.Dispute.PaymentMethodDetails {
  const card = charge.payment_method_details?.card;
  if (!card) return { type: charge.payment_method_details?.type ?? 'card' } as Stripe.Dispute.PaymentMethodDetails;
  return { type: 'card', card: { brand: card.brand ?? 'visa', case_type: 'chargeback', network: card.network ?? card.brand ?? 'visa', network_reason_code: '10.4' } };
}

export function openDispute(account: Account, charge: Stripe.Charge, reason: string): Stripe.Dispute {
  const { store, settlement } = account;
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} did not succeed, so it cannot be disputed.`, { param: 'charge' });
  if (store.all('dispute').some((dispute) => dispute.charge === charge.id)) throw invalidRequest(`Charge ${charge.id} is already disputed.`, { param: 'charge' });
  const amount = charge.amount - charge.amount_refunded;
  if (amount === 0) throw invalidRequest(`Charge ${charge.id} is fully refunded, so there is nothing to dispute.`, { param: 'charge' });
  const id = newId('dp');
  const withdrawal = recordBalanceTransaction(account, {
    type: 'adjustment',
    reporting_category: 'dispute',
    amount: -settlementShare(account, charge, charge.amount_refunded, amount),
    fee: settlement.disputeFee,
    feeDescription: 'Dispute fee',
    source: id,
    description: `Chargeback withdrawal for ${charge.id}`,
    rate: store.notes(charge.id).rate ?? null,
  });
  const now = store.now();
  const template = sample('dispute');
  const dispute: Stripe.Dispute = {
    ...template,
    id,
    amount,
    balance_transactions: [structuredClone(withdrawal)],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: template.evidence,
    evidence_details: { due_by: now + week, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0, submission_method: 'not_submitted' },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    network_reason_code: null,
    payment_intent: charge.payment_intent ? String(charge.payment_intent) : null,
    payment_method_details: methodDetails(charge),
    reason,
    status: 'needs_response',
  };
  store.insert(dispute);
  charge.disputed = true;
  account.emit('charge.dispute.created', dispute);
  account.emit('charge.dispute.funds_withdrawn', dispute);
  return dispute;
}

export function closeDispute(account: Account, dispute: Stripe.Dispute, outcome: 'won' | 'lost'): Stripe.Dispute {
  if (dispute.status === 'won' || dispute.status === 'lost') throw invalidRequest(`Dispute ${dispute.id} is already closed (${dispute.status}).`);
  if (outcome === 'won') {
    const withdrawal = dispute.balance_transactions[0];
    const reinstatement = recordBalanceTransaction(account, {
      type: 'adjustment',
      reporting_category: 'dispute_reversal',
      amount: -(withdrawal?.amount ?? 0),
      fee: -(withdrawal?.fee ?? 0),
      feeDescription: 'Dispute fee refund',
      source: dispute.id,
      description: `Chargeback reversal for ${String(dispute.charge)}`,
      rate: account.store.notes(String(dispute.charge)).rate ?? null,
    });
    dispute.balance_transactions.push(structuredClone(reinstatement));
    dispute.status = 'won';
    account.emit('charge.dispute.funds_reinstated', dispute);
  } else dispute.status = 'lost';
  account.emit('charge.dispute.closed', dispute);
  return dispute;
}

const openParams = z.strictObject({ charge: text.optional(), payment_intent: text.optional(), reason: z.enum(reasons).optional() });
const closeParams = z.strictObject({ outcome: z.enum(['won', 'lost']) });
const listDisputesParams = listParams({ charge: text.optional(), payment_intent: text.optional() });

export function disputeRoutes(account: Account): Router {
  const routes = Router();
  routes.get('/v1/disputes', (req, res) => {
    const params = parseParams(listDisputesParams, req.query);
    const disputes = account.store
      .all('dispute')
      .filter((dispute) => (params.charge ? dispute.charge === params.charge : true))
      .filter((dispute) => (params.payment_intent ? dispute.payment_intent === params.payment_intent : true));
    respond(res, account, paginate(disputes, params, '/v1/disputes'), params.expand);
  });
  routes.get('/v1/disputes/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('dispute', req.params.id), params.expand);
  });
  routes.post('/_emulator/disputes', (req, res) => {
    const params = parseParams(openParams, req.body);
    const charge = chargeNamed(account, params);
    const dispute = account.onBehalfOf(requestOf(res, req), () => openDispute(account, charge, params.reason ?? 'general'));
    respond(res, account, dispute);
  });
  routes.post('/_emulator/disputes/:id/close', (req, res) => {
    const params = parseParams(closeParams, req.body);
    const dispute = account.store.get('dispute', req.params.id);
    account.onBehalfOf(requestOf(res, req), () => closeDispute(account, dispute, params.outcome));
    respond(res, account, dispute);
  });
  return routes;
}
