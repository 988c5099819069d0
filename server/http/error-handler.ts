import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { translate } from '../i18n/messages';
import { type Locale } from '../locale';
import type { Logger } from '../logger';
import { redactUrl } from './redact-url';
import { AppError, NotFound, ValidationError, type ErrorCode } from './errors';
import { localeOf, say } from './language';

function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path.startsWith('/webhooks/') || req.path === '/healthz' || req.accepts(['html', 'json']) === 'json';
}

/**
 * body-parser and friends mark a client's mistake with a 4xx `status` and `expose` (a body over its
 * route's limit is a 413, with `type` 'entity.too.large' or 'parameters.too.many'); the router marks a
 * path parameter it cannot percent-decode (/unsubscribe/%FF) with a URIError and status 400, without `expose`.
 */
function asClientError(error: unknown, locale: Locale): AppError | undefined {
  if (error instanceof AppError) return error;
  const e = error as { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (e.expose === true || error instanceof URIError)) {
    const code: ErrorCode = e.status === 413 ? 'payload_too_large' : e.status === 404 ? 'not_found' : 'bad_request';
    // A form over its parameterLimit is a 413 too, but "too large" would puzzle someone who sent a short one.
    const message = translate(locale, e.type === 'parameters.too.many' ? 'errors.tooManyFields' : e.status === 413 ? 'errors.tooLarge' : 'errors.unreadable');
    return new AppError(e.status, code, message);
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (req, res, next) => next(new NotFound(say(res, 'errors.nothingHere', { path: req.path })));

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    // The page's language, or English if the request failed before it was negotiated.
    const locale = localeOf(res);
    const clientError = asClientError(error, locale);
    const status = clientError?.status ?? 500;
    const code: ErrorCode = clientError?.code ?? 'internal_error';
    // pino-http's request id when requests are logged; otherwise one made here, so the page and the log still meet.
    const errorId = String(req.id ?? randomUUID());
    const message = error instanceof ValidationError ? translate(locale, 'errors.fieldsNeedAttention') : (clientError?.message ?? translate(locale, 'errors.internal'));
    if (!clientError) logger.error({ err: error, errorId, path: redactUrl(req.path) }, 'request failed');
    if (res.headersSent) return req.socket.destroy();

    res.status(status);
    if (wantsJson(req)) {
      res.json({
        error: { code, message, ...(error instanceof ValidationError ? { fields: error.fields } : {}), ...(clientError ? {} : { errorId }) },
      });
      return;
    }
    res.render('errors/error', { title: translate(locale, status === 404 ? 'errors.notFoundTitle' : 'errors.title'), status, message, errorId: clientError ? undefined : errorId });
  };
}
