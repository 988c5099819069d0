// Stands between the platform and the Stripe emulator (config.stripe.apiUrl), naming each call by its
// operation; when holding, each call waits there until the test releases it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripeOperation } from '../../server/stripe/operations';

export interface HeldCall {
  operation: string;
  release(): void;
}

export interface StripeGate {
  url: string;
  forwardTo(url: string): void;
  /** Calls waiting to be released, oldest first (only when holding). */
  held: HeldCall[];
  /** Every call that reached the gate, by operation (`GET /v1/payment_intents/{id}`), in order. */
  calls: string[];
  close(): Promise<void>;
}

export async function startStripeGate({ hold }: { hold: boolean }): Promise<StripeGate> {
  let target = '';
  const held: HeldCall[] = [];
  /** Calls made before the emulator's address is known (the web process checks Stripe as it starts): sent on once it is. */
  const early: Array<() => void> = [];
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = stripeOperation(req.method ?? 'GET', req.url ?? '/');
      calls.push(operation);
      const release = () => {
        const forward = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      };
      if (!target) early.push(release);
      else if (hold) held.push({ operation, release });
      else release();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwardTo(url) {
      target = url;
      for (const release of early.splice(0)) release();
    },
    held,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
