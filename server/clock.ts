// "Now", for everything that depends on the date: which round is open, days left, the year a receipt
// or statement belongs to, the day a form suggests. One clock per process, handed down in the context,
// so a test or a demo can say what day it is. (Expiry of sessions, links and locks compares against
// PostgreSQL's now(), the time browsers and Redis share; it is not the calendar.)

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Reads `start` at the moment it is made and runs on in real time from there: `CLOCK_START`. */
export function clockStartingAt(start: Date): Clock {
  const offsetMs = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offsetMs) };
}

/** The process's clock: from `CLOCK_START` when it is set, else the real one. */
export function clockFor(start: Date | undefined): Clock {
  return start ? clockStartingAt(start) : systemClock;
}
