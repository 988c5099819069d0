// `expand[]`: ids replaced by the objects they name, and the fields Stripe includes only on request.
import type { Account } from './account';
import { invalidRequest } from './errors';
import { listOf } from './lists';

type Hash = Record<string, unknown>;

function isHash(value: unknown): value is Hash {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fields absent from an object unless expanded, by object type. */
const includables: Record<string, Record<string, (account: Account, parent: Hash) => unknown>> = {
  'checkout.session': {
    line_items: (account, session) => listOf(account.store.notes(String(session.id)).lineItems ?? [], `/v1/checkout/sessions/${String(session.id)}/line_items`),
  },
  invoice: {
    payments: (account, invoice) =>
      listOf(
        account.store
          .all('invoice_payment')
          .filter((payment) => payment.invoice === invoice.id)
          .reverse(),
        `/v1/invoices/${String(invoice.id)}/payments`,
      ),
  },
  charge: {
    refunds: (account, charge) =>
      listOf(
        account.store
          .all('refund')
          .filter((refund) => refund.charge === charge.id)
          .reverse(),
        `/v1/charges/${String(charge.id)}/refunds`,
      ),
  },
};

/**
 * Expandable fields Stripe leaves out of an object until they apply (a refund's failure_balance_transaction
 * until it fails): asking to expand one that is absent is no error, and the object comes back as it is.
 */
const absentUntilSet: Record<string, string[]> = {
  refund: ['failure_balance_transaction'],
};

function expandAlong(account: Account, node: unknown, path: string[], asked: string): unknown {
  if (path.length === 0) return node;
  if (Array.isArray(node)) return node.map((item) => expandAlong(account, item, path, asked));
  const cannot = invalidRequest(`This property cannot be expanded (${asked}).`, { param: 'expand' });
  if (!isHash(node)) throw cannot;
  const [field = '', ...rest] = path;
  let value = node[field];
  if (value === undefined && absentUntilSet[String(node.object)]?.includes(field)) return node;
  const include = includables[String(node.object)]?.[field];
  if (value === undefined && include) value = include(account, node);
  else if (typeof value === 'string') {
    const target = account.store.findAny(value);
    if (!target) throw cannot;
    value = structuredClone(target);
  } else if (value === null) return node;
  else if (!isHash(value) && !Array.isArray(value)) throw cannot;
  node[field] = expandAlong(account, value, rest, asked);
  return node;
}

/** A copy of `body` with each dotted path expanded, as `expand[]=latest_charge.balance_transaction` asks. */
export function expandPaths(account: Account, body: unknown, paths: string[] = []): unknown {
  let result = structuredClone(body);
  for (const path of paths) result = expandAlong(account, result, path.split('.'), path);
  return result;
}
