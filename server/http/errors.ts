// The few errors a request may end in; the error handler maps each to its status and stable code. Their
// messages are sentences from the catalogs, in the language of the request that failed.
export type ErrorCode = 'validation_failed' | 'bad_request' | 'invalid_signature' | 'invalid_event' | 'csrf_failed' | 'too_many_requests' | 'not_found' | 'forbidden' | 'conflict' | 'payload_too_large' | 'service_unavailable' | 'internal_error';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Bad input: a message per field, shown beside the field on a page or under `fields` in JSON; the
 * error handler says the summary in the page's language.
 */
export class ValidationError extends AppError {
  constructor(readonly fields: Record<string, string>) {
    super(422, 'validation_failed', 'Some fields need attention.');
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** A service we depend on (Stripe, the database) did not answer; the donor may try again shortly. */
export class ServiceUnavailable extends AppError {
  constructor(message: string) {
    super(503, 'service_unavailable', message);
  }
}

/** Too many attempts in a short time (sign-in); the message says when to try again. */
export class TooManyRequests extends AppError {
  constructor(message: string) {
    super(429, 'too_many_requests', message);
  }
}
