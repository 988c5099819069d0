import type { Response } from 'express';
import type { Account } from './account';
import { expandPaths } from './expand';

/** Sends a Stripe object or list as JSON, expanded as the request asked. */
export function respond(res: Response, account: Account, body: unknown, expand: string[] = [], status = 200): void {
  res.status(status).json(expandPaths(account, body, expand));
}
