// The optional JSON snapshot that lets `npm start` keep its Stripe objects across restarts.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StoreSnapshot } from './store';

export function readSnapshot(file: string): StoreSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as StoreSnapshot;
  if (snapshot.version !== 1) throw new Error(`${file} is not a Stripe emulator state file this version can read`);
  return snapshot;
}

export interface StateWriter {
  /** Writes a little later, once for a burst of changes. */
  soon(): void;
  /** Writes any change still waiting, and stops. */
  stop(): void;
}

export function stateWriter(file: string, snapshot: () => StoreSnapshot): StateWriter {
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a crash mid-write never leaves half a file to load.
    const partial = `${file}.partial`;
    writeFileSync(partial, JSON.stringify(snapshot()));
    renameSync(partial, file);
  };
  return {
    soon() {
      if (timer) return;
      timer = setTimeout(write, 100);
      timer.unref();
    },
    stop() {
      if (!timer) return;
      clearTimeout(timer);
      write();
    },
  };
}
