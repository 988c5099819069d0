import type { Request } from 'express';
import type { Config } from '../config';

/** The site's address as the request's browser reaches it, unless BASE_URL fixes it. */
export function siteUrlFor(config: Pick<Config, 'baseUrl'>, req: Request): string {
  return config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
}
