// Tests wait for events, never for a length of time: a condition is polled until it holds, within a
// limit generous enough for a machine many times slower than a developer's, shared with other work.

/** How long any one wait may take before the test fails, naming what it waited for. */
export const patienceMs = 180_000;

export interface WaitOptions {
  limitMs?: number;
  pollMs?: number;
  /** What to print beside the failure: the state the condition last saw. */
  describe?: () => unknown;
}

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, { limitMs = patienceMs, pollMs = 25, describe }: WaitOptions = {}): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await condition())) {
    if (performance.now() > deadline) {
      const state = describe ? `: ${JSON.stringify(await describe())}` : '';
      throw new Error(`gave up after ${limitMs / 1000} s waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
