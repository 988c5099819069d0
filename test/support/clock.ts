// The moment every test lives in unless it asks for another: no test reads the calendar.
import type { Clock } from '../../server/clock';

/** 10:00 in Hong Kong on Wednesday 10 June 2026: the July round of Happy Smile is open, the May round closed. */
export const testNow = new Date('2026-06-10T02:00:00Z');

export interface SettableClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

/** A clock that stands still until told to move. */
export function settableClock(start: Date = testNow): SettableClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    set: (to) => {
      at = to.getTime();
    },
    advance: (ms) => {
      at += ms;
    },
  };
}
