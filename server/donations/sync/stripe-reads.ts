// What applying a Stripe event reads from Stripe, read before its transaction opens (#19): a transaction
// that waited on Stripe would hold its connection and its row locks for as long as Stripe takes, and under
// a rate limit that is seconds. The transaction is handed the reads already made; should it need one more
// (the rows it locked took another path than expected), it ends, the read is made, and it starts again.
import type Stripe from 'stripe';
import { sql } from 'kysely';
import type { Db } from '../../database';

/** Every read the recording of Stripe's state makes; each asks with the same expansions wherever it is used, so one answer serves all. */
export interface StripeReads {
  /** With its latest charge and that charge's balance transaction. */
  paymentIntent(id: string): Promise<Stripe.PaymentIntent>;
  /** With its balance transaction. */
  charge(id: string): Promise<Stripe.Charge>;
  invoice(id: string): Promise<Stripe.Invoice>;
  /** The invoice's payments, each with its PaymentIntent. */
  paymentsOfInvoice(invoiceId: string): Promise<Stripe.InvoicePayment[]>;
  /** The invoice a PaymentIntent pays, if any. */
  invoiceOfPayment(intentId: string): Promise<string | undefined>;
  subscription(id: string): Promise<Stripe.Subscription>;
  customer(id: string): Promise<Stripe.Customer | Stripe.DeletedCustomer>;
  /** With its PaymentIntent. */
  checkoutSession(id: string): Promise<Stripe.Checkout.Session>;
  /** Each with its balance transaction. */
  refundsOfCharge(chargeId: string): Promise<Stripe.Refund[]>;
  disputesOfCharge(chargeId: string): Promise<Stripe.Dispute[]>;
  balanceTransaction(id: string): Promise<Stripe.BalanceTransaction>;
}

type Reader = <T>(key: string, read: (stripe: Stripe) => Promise<T>) => Promise<T>;

function readsThrough(read: Reader): StripeReads {
  return {
    paymentIntent: (id) => read(`payment_intent ${id}`, (s) => s.paymentIntents.retrieve(id, { expand: ['latest_charge.balance_transaction'] })),
    charge: (id) => read(`charge ${id}`, (s) => s.charges.retrieve(id, { expand: ['balance_transaction'] })),
    invoice: (id) => read(`invoice ${id}`, (s) => s.invoices.retrieve(id)),
    paymentsOfInvoice: (invoiceId) =>
      read(`payments of invoice ${invoiceId}`, async (s) => (await s.invoicePayments.list({ invoice: invoiceId, limit: 10, expand: ['data.payment.payment_intent'] })).data),
    invoiceOfPayment: (intentId) =>
      read(`invoice of payment ${intentId}`, async (s) => {
        const found = (await s.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: intentId }, limit: 1 })).data[0]?.invoice;
        return typeof found === 'string' ? found : found?.id;
      }),
    subscription: (id) => read(`subscription ${id}`, (s) => s.subscriptions.retrieve(id)),
    customer: (id) => read(`customer ${id}`, (s) => s.customers.retrieve(id)),
    checkoutSession: (id) => read(`checkout session ${id}`, (s) => s.checkout.sessions.retrieve(id, { expand: ['payment_intent'] })),
    refundsOfCharge: (chargeId) => read(`refunds of ${chargeId}`, async (s) => (await s.refunds.list({ charge: chargeId, limit: 100, expand: ['data.balance_transaction'] })).data),
    disputesOfCharge: (chargeId) => read(`disputes of ${chargeId}`, async (s) => (await s.disputes.list({ charge: chargeId, limit: 100 })).data),
    balanceTransaction: (id) => read(`balance transaction ${id}`, (s) => s.balanceTransactions.retrieve(id)),
  };
}

/** Straight from Stripe, each time: for code that runs outside any transaction (and tests). */
export const stripeReads = (stripe: Stripe): StripeReads => readsThrough((_key, read) => read(stripe));

/** A transaction asked for something not read before it began: it is rolled back, the read made, and it runs again. */
export class StripeReadNeeded extends Error {
  constructor(readonly key: string) {
    super(`Stripe read needed before the transaction: ${key}`);
  }
}

/** The row was last written from reads begun after this transaction's: it reads Stripe again rather than put back an older state. */
export class StaleStripeReads extends Error {
  constructor(what: string) {
    super(`${what} was synced from newer Stripe reads; reading again`);
  }
}

/** The reads of one attempt at applying an event, and the number that orders them against other attempts'. */
export class StripeSnapshot {
  private readonly answers = new Map<string, unknown>();
  private readonly wanted = new Map<string, (stripe: Stripe) => Promise<unknown>>();

  private constructor(
    private readonly stripe: Stripe,
    /** From the sequence stripe_reads, taken before the first read: later reads, larger numbers. */
    readonly number: string,
  ) {}

  /** A new snapshot, numbered before anything is read. */
  static async begin(db: Db, stripe: Stripe): Promise<StripeSnapshot> {
    const { rows } = await sql<{ number: string }>`select nextval('stripe_reads')::text as number`.execute(db);
    return new StripeSnapshot(stripe, rows[0]!.number);
  }

  /** Reads from Stripe (once each), for before the transaction. */
  readonly fromStripe: StripeReads = readsThrough(async <T>(key: string, read: (stripe: Stripe) => Promise<T>) => {
    if (!this.answers.has(key)) this.answers.set(key, await read(this.stripe));
    return this.answers.get(key) as T;
  });

  /** What was read; inside the transaction anything else ends it with StripeReadNeeded, and is noted for readWanted. */
  readonly held: StripeReads = readsThrough(<T>(key: string, read: (stripe: Stripe) => Promise<T>) => {
    if (this.answers.has(key)) return Promise.resolve(this.answers.get(key) as T);
    this.wanted.set(key, read);
    return Promise.reject(new StripeReadNeeded(key));
  });

  /** Makes the reads the last transaction found missing. */
  async readWanted(): Promise<void> {
    const wanted = [...this.wanted];
    this.wanted.clear();
    await Promise.all(wanted.map(async ([key, read]) => this.answers.set(key, await read(this.stripe))));
  }
}

/** Throws StaleStripeReads when `row` was last synced from reads numbered after `snapshotNumber`. */
export function requireFreshReads(row: { stripe_read: string | null }, snapshotNumber: string, what: string): void {
  if (row.stripe_read !== null && BigInt(row.stripe_read) > BigInt(snapshotNumber)) throw new StaleStripeReads(what);
}
