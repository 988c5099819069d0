// The web process: `npm run web`. `npm start` runs it too, beside the worker and the local stand-ins.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { createApp, type AppOptions } from './app';
import { publicUrl, type ReadyConfig } from './config';
import { closeContext, openContext } from './context';
import type { Logger } from './logger';
import { runProcess } from './lifecycle';
import { startMetricsListener } from './metrics/listener';
import { preparePortalConfiguration } from './donations/billing-portal';

export interface RunningWeb {
  server: Server;
  port: number;
  url: string;
  /** Where 127.0.0.1 is served this process's metrics (METRICS_PORT); undefined when they are off. */
  metricsPort: number | undefined;
  /** Stops accepting connections, waits for requests in flight, then closes the pools. */
  stop(): Promise<void>;
}

export async function startWeb(config: ReadyConfig, logger: Logger, options: AppOptions = {}): Promise<RunningWeb> {
  const ctx = openContext(config, logger);
  // Stripe refuses portal sessions until a configuration exists: checked (or made) now. Waited for a few
  // seconds at most, so the first donor finds it ready while a Stripe that does not answer holds nothing up.
  const portalReady = preparePortalConfiguration(ctx.stripe, { defaultReturnUrl: `${publicUrl(config)}/account`, privacyPolicyUrl: config.organisation.privacyUrl }, logger);
  let portalPatience: NodeJS.Timeout | undefined;
  await Promise.race([portalReady, new Promise((resolve) => (portalPatience = setTimeout(resolve, 5_000)))]);
  clearTimeout(portalPatience);
  const server = createServer(createApp(ctx, options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const metrics = ctx.metrics && config.metrics ? await startMetricsListener(ctx.metrics.registry, { port: config.metrics.webPort, token: config.metrics.token }, logger) : undefined;
  const closed = new Promise<void>((resolve) => server.once('close', resolve));
  return {
    server,
    port,
    url: publicUrl(config, port),
    metricsPort: metrics?.port,
    async stop() {
      if (server.listening) server.close();
      // close() drops only the connections idle at that moment; a keep-alive connection whose request
      // finishes later would hold shutdown until its timeout, so keep dropping them as they go idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      await closed;
      clearInterval(sweep);
      await metrics?.close();
      await portalReady;
      await closeContext(ctx);
    },
  };
}

if (require.main === module) {
  runProcess('web', async (config, logger) => {
    const web = await startWeb(config, logger);
    return { stop: web.stop, describe: { url: web.url, port: web.port, metricsPort: web.metricsPort } };
  });
}
