// Everything the emulated account holds: its objects in creation order, the facts about them that
// Stripe keeps but does not show (notes), and its clock.
import type Stripe from 'stripe';
import { noSuch } from './errors';

export interface ObjectsByType {
  balance_transaction: Stripe.BalanceTransaction;
  'billing_portal.configuration': Stripe.BillingPortal.Configuration;
  'billing_portal.session': Stripe.BillingPortal.Session;
  charge: Stripe.Charge;
  'checkout.session': Stripe.Checkout.Session;
  customer: Stripe.Customer;
  dispute: Stripe.Dispute;
  event: Stripe.Event;
  invoice: Stripe.Invoice;
  invoice_payment: Stripe.InvoicePayment;
  payment_intent: Stripe.PaymentIntent;
  payment_method: Stripe.PaymentMethod;
  payout: Stripe.Payout;
  price: Stripe.Price;
  product: Stripe.Product;
  refund: Stripe.Refund;
  subscription: Stripe.Subscription;
}
export type ObjectType = keyof ObjectsByType;
export type StripeObject = ObjectsByType[ObjectType];

/** What the emulator remembers about an object beyond its Stripe fields. */
export interface Notes {
  /** customer: the test card number that renewals charge; charge: the test card it was paid with. */
  card?: string;
  /** charge: the decimal rate its amount was converted to the settlement currency with. */
  rate?: string;
  /** balance transaction: the payout that included it. */
  payout?: string;
  /** checkout session: the PaymentIntent its payment attempts use, kept across a decline and a retry. */
  paymentIntent?: string;
  /** price: made inline from price_data, so left out of price lists. */
  inline?: boolean;
  /** checkout session: what it was told to put on the PaymentIntent or the Subscription it creates. */
  paymentIntentData?: { metadata?: Record<string, string>; description?: string; receipt_email?: string };
  subscriptionData?: { metadata?: Record<string, string>; description?: string };
  /** checkout session: its line items, which Stripe shows only when expanded. */
  lineItems?: Stripe.LineItem[];
}

export interface StoreSnapshot {
  version: 1;
  clockOffsetSeconds: number;
  objects: StripeObject[];
  notes: Record<string, Notes>;
}

export interface Store {
  /** The emulator's clock in unix seconds: real time plus however far it was advanced. */
  now(): number;
  moveClockTo(unixSeconds: number): void;
  /** Holds the clock at one second while work that Stripe dates to that moment runs; undefined lets it tick again. */
  pinClock(unixSeconds: number | undefined): void;
  insert<T extends StripeObject>(object: T): T;
  /**
   * Puts Stripe's stub of a deleted object (`{id, object, deleted: true}`) in its place: from then on only
   * findAny (a retrieve, an expand) sees it; find, get and all treat it as gone.
   */
  markDeleted(id: string): Stripe.DeletedCustomer;
  find<K extends ObjectType>(type: K, id: string): ObjectsByType[K] | undefined;
  /** The object, or Stripe's 404 naming the parameter that carried the id. */
  get<K extends ObjectType>(type: K, id: string, param?: string): ObjectsByType[K];
  findAny(id: string): StripeObject | undefined;
  /** Oldest first. */
  all<K extends ObjectType>(type: K): ObjectsByType[K][];
  /** Those of `type` made since the `from`th was (all(type) is that list from 0), and where the next look starts. */
  since<K extends ObjectType>(type: K, from: number): { objects: ObjectsByType[K][]; next: number };
  notes(id: string): Notes;
  snapshot(): StoreSnapshot;
}

const realNow = () => Math.floor(Date.now() / 1000);

export function createStore(snapshot?: StoreSnapshot, clockStart?: Date): Store {
  let clockOffsetSeconds = snapshot?.clockOffsetSeconds ?? (clockStart ? Math.floor(clockStart.getTime() / 1000) - realNow() : 0);
  let pinned: number | undefined;
  const byId = new Map<string, StripeObject>();
  const byType = new Map<ObjectType, StripeObject[]>();
  const notes = new Map<string, Notes>(Object.entries(snapshot?.notes ?? {}));

  const insert = <T extends StripeObject>(object: T): T => {
    if (byId.has(object.id)) throw new Error(`duplicate id ${object.id}`);
    byId.set(object.id, object);
    const type = object.object as ObjectType;
    const list = byType.get(type) ?? [];
    list.push(object);
    byType.set(type, list);
    return object;
  };
  for (const object of snapshot?.objects ?? []) insert(object);

  const isDeleted = (object: StripeObject) => (object as { deleted?: boolean }).deleted === true;
  const find = <K extends ObjectType>(type: K, id: string) => {
    const object = byId.get(id);
    return object && object.object === type && !isDeleted(object) ? (object as ObjectsByType[K]) : undefined;
  };

  return {
    now: () => pinned ?? realNow() + clockOffsetSeconds,
    moveClockTo(unixSeconds) {
      clockOffsetSeconds = unixSeconds - realNow();
    },
    pinClock(unixSeconds) {
      pinned = unixSeconds;
    },
    insert,
    markDeleted(id) {
      const object = byId.get(id);
      if (!object) throw new Error(`no object ${id} to delete`);
      const stub = { id, object: object.object, deleted: true } as unknown as StripeObject;
      byId.set(id, stub);
      const list = byType.get(object.object as ObjectType) ?? [];
      list[list.indexOf(object)] = stub;
      return stub as unknown as Stripe.DeletedCustomer;
    },
    find,
    get(type, id, param = 'id') {
      const object = find(type, id);
      if (!object) throw noSuch(type, id, param);
      return object;
    },
    findAny: (id) => byId.get(id),
    all: <K extends ObjectType>(type: K) => ((byType.get(type) ?? []) as ObjectsByType[K][]).filter((object) => !isDeleted(object)),
    since<K extends ObjectType>(type: K, from: number) {
      const list = (byType.get(type) ?? []) as ObjectsByType[K][];
      return { objects: list.slice(from).filter((object) => !isDeleted(object)), next: list.length };
    },
    notes(id) {
      let note = notes.get(id);
      if (!note) notes.set(id, (note = {}));
      return note;
    },
    snapshot: () => ({
      version: 1,
      clockOffsetSeconds,
      objects: [...byId.values()],
      notes: Object.fromEntries([...notes].filter(([, note]) => Object.keys(note).length > 0)),
    }),
  };
}
