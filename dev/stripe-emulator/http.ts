// The emulator's HTTP face: Stripe's body format, auth, request ids, idempotency and error shapes
// around the routes of each resource, and the hosted pages, which need no key.
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type Stripe from 'stripe';
import { InvalidParams, StripeApiError } from './errors';
import { idempotentReplays } from './idempotency';
import { newId } from './ids';

export interface AppParts {
  secretKey: string;
  apiVersion: string;
  /** Run first on every request, pages and API alike. */
  everyRequest: RequestHandler[];
  /** Served without the API key: the pages a donor's browser opens. */
  pages: Router[];
  /** /v1 and /_emulator routes, behind the API key. */
  api: Router[];
  /** Runs once the key is checked, before idempotency and the routes: what it refuses leaves no trace. */
  admission?: RequestHandler;
}

/** The request an API call's events name, as Stripe's event.request does. */
export function requestOf(res: express.Response, req: express.Request): Stripe.Event.Request {
  return { id: String(res.locals.requestId), idempotency_key: req.get('Idempotency-Key') ?? null };
}

function masked(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : '****';
}

function authenticate(secretKey: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('Authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const key = bearer ?? (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined);
    if (!key) {
      throw new StripeApiError(
        401,
        'authentication_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (key !== secretKey) throw new StripeApiError(401, 'authentication_error', `Invalid API Key provided: ${masked(key)}`);
    next();
  };
}

const unrecognized: RequestHandler = (req) => {
  throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`);
};

const stripeErrors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof InvalidParams) res.locals.notRun = true;
  if (error instanceof StripeApiError) {
    res.status(error.status).json(error.toJSON());
    return;
  }
  const bodyError = error as { type?: string; status?: number };
  if (bodyError.type === 'entity.parse.failed' || bodyError.status === 400) {
    res.locals.notRun = true;
    res.status(400).json(new StripeApiError(400, 'invalid_request_error', 'Invalid request body: it must be form-encoded or JSON.').toJSON());
    return;
  }
  console.error('stripe emulator: request failed', error);
  res.status(500).json(new StripeApiError(500, 'api_error', `The Stripe emulator failed: ${(error as Error).message}`).toJSON());
};

export function createHttpApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Stripe's bracket notation (line_items[0][price_data][currency]) in query strings as in bodies.
  app.set('query parser', 'extended');
  app.use(express.urlencoded({ extended: true, limit: '1mb' }), express.json({ limit: '1mb' }));
  app.use((req, res, next) => {
    res.locals.requestId = newId('req');
    res.set({ 'Request-Id': res.locals.requestId, 'Stripe-Version': req.get('Stripe-Version') ?? parts.apiVersion });
    next();
  });
  app.use(...parts.everyRequest, ...parts.pages);
  app.use(authenticate(parts.secretKey), ...(parts.admission ? [parts.admission] : []), idempotentReplays(), ...parts.api, unrecognized);
  app.use(stripeErrors);
  return app;
}
