// The emulated Stripe account: its store, its settlement currency, and the one way anything in it
// changes in a way the platform hears about (emit), plus the work Stripe does a moment later.
import type Stripe from 'stripe';
import { createEvent } from './event-records';
import type { Settlement } from './settlement';
import type { Store, StripeObject } from './store';

export interface Account {
  store: Store;
  settlement: Settlement;
  /** Where the emulator listens; hosted pages hang off it. */
  url: string;
  /** Records an event about `object` as it is now. */
  emit(type: Stripe.Event.Type, object: StripeObject): Stripe.Event;
  /** Records an update event, with previous_attributes from `before` (a copy taken earlier); none if nothing changed. */
  emitChange(type: Stripe.Event.Type, object: StripeObject, before: StripeObject): Stripe.Event | undefined;
  /** Runs `work` for an API request, so the events it emits carry that request's id and idempotency key. */
  onBehalfOf<T>(request: Stripe.Event.Request, work: () => T): T;
  /** Stripe's asynchronous steps (a wallet payment settling) happen a moment later; idle() waits for them. */
  later(delayMs: number, work: () => void): void;
  idle(): Promise<void>;
  /** Something changed that a state file should keep. */
  changed(): void;
  stop(): void;
  /** Which of Stripe's less convenient habits this account has (the emulator's options). */
  habits: AccountHabits;
}

export interface AccountHabits {
  /** Set: a charge's balance transaction arrives this long after the charge succeeded, by charge.updated. */
  balanceTransactionAfterMs?: number;
}

export interface AccountHooks {
  /** Hands a new event to webhook delivery; returns how many endpoints will receive it. */
  deliver(event: Stripe.Event): number;
  changed(): void;
}

const automatic: Stripe.Event.Request = { id: null, idempotency_key: null };

export function createAccount(store: Store, settlement: Settlement, hooks: AccountHooks, habits: AccountHabits = {}): Account {
  // Work runs synchronously inside one request or timer, so one current request is enough.
  let request = automatic;
  const timers = new Set<NodeJS.Timeout>();
  let waiting: Array<() => void> = [];
  const wakeIfIdle = () => {
    if (timers.size > 0) return;
    for (const resolve of waiting) resolve();
    waiting = [];
  };

  const record = (event: Stripe.Event) => {
    store.insert(event);
    event.pending_webhooks = hooks.deliver(event);
    return event;
  };

  const account: Account = {
    store,
    settlement,
    habits,
    url: '',
    emit: (type, object) => record(createEvent(store, type, object, request)),
    emitChange(type, object, before) {
      const event = createEvent(store, type, object, request, before);
      const changes = event.data.previous_attributes ?? {};
      return Object.keys(changes).length > 0 ? record(event) : undefined;
    },
    onBehalfOf(origin, work) {
      const previous = request;
      request = origin;
      try {
        return work();
      } finally {
        request = previous;
      }
    },
    later(delayMs, work) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        try {
          account.onBehalfOf(automatic, work);
          hooks.changed();
        } catch (error) {
          console.error('stripe emulator: delayed work failed', error);
        }
        wakeIfIdle();
      }, delayMs);
      timer.unref();
      timers.add(timer);
    },
    idle: () => (timers.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    changed: () => hooks.changed(),
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      wakeIfIdle();
    },
  };
  return account;
}
