// The metrics endpoint: its own listener on 127.0.0.1, apart from the public app, so no visitor can reach it.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

function bearerMatches(request: IncomingMessage, token: string): boolean {
  const sent = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/** Serves GET /metrics on 127.0.0.1:`port` (0 picks a free one); with a token, only to scrapers that send it. */
export async function startMetricsListener(registry: Registry, options: { port: number; token: string | undefined }, logger: Pick<Logger, 'warn'>): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== '/metrics') {
      response.writeHead(404).end();
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (options.token !== undefined && !bearerMatches(request, options.token)) {
      response.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
    } else {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
        (error: unknown) => {
          logger.warn({ err: error }, 'metrics: could not collect');
          response.writeHead(500).end();
        },
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A scraper's keep-alive connection would otherwise hold shutdown until it times out.
      server.closeAllConnections();
      await closed;
    },
  };
}
