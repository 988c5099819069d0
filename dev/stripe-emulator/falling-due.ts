// What the passing of time makes due (a Checkout Session's expiry, funds becoming available) is caught up on
// at every request, as Stripe would have done it meanwhile. Looking through every session and balance
// transaction each time grew with the square of the payments: an appeal's 3,000 gifts took the emulator a
// core. Objects are kept in the order they were made and their due moment never moves earlier, so a watch
// remembers how far it has looked and the earliest moment anything still pending falls due, and looks through
// everything again only once that moment has come.
import type { ObjectsByType, ObjectType, Store } from './store';

/** `dueAt`: when the object falls due, or undefined once nothing more will (expired, available). */
export function watchFallingDue<K extends ObjectType>(type: K, dueAt: (object: ObjectsByType[K]) => number | undefined) {
  const looks = new WeakMap<Store, { next: number; earliest: number }>();
  /** Calls `fallDue` for each object of `type` due by `now`. */
  return (store: Store, now: number, fallDue: (object: ObjectsByType[K]) => void): void => {
    const look = looks.get(store) ?? { next: 0, earliest: Infinity };
    looks.set(store, look);
    const made = store.since(type, look.next);
    look.next = made.next;
    for (const object of made.objects) look.earliest = Math.min(look.earliest, dueAt(object) ?? Infinity);
    if (now < look.earliest) return;
    look.earliest = Infinity;
    for (const object of store.all(type)) {
      const at = dueAt(object);
      if (at === undefined) continue;
      if (at <= now) fallDue(object);
      // What falling due left pending (or did not touch) is looked at again when its moment comes.
      look.earliest = Math.min(look.earliest, dueAt(object) ?? Infinity);
    }
  };
}
