// Errors shaped as Stripe returns them: {error: {type, code?, message, param?}} with Stripe's HTTP status.
export type StripeErrorType = 'api_error' | 'authentication_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorDetails {
  code?: string;
  param?: string;
  decline_code?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly details: StripeErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON() {
    const { code, param, decline_code } = this.details;
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` } : {}),
        ...(decline_code ? { decline_code } : {}),
        ...(param ? { param } : {}),
      },
    };
  }
}

/**
 * Parameters refused before anything ran. Stripe saves no idempotent result for these, so a
 * corrected retry under the same Idempotency-Key goes through.
 */
export class InvalidParams extends StripeApiError {
  constructor(message: string, details: StripeErrorDetails = {}) {
    super(400, 'invalid_request_error', message, details);
  }
}

export function invalidRequest(message: string, details: StripeErrorDetails = {}): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, details);
}

export function missingParam(param: string): InvalidParams {
  return new InvalidParams(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function noSuch(objectName: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `No such ${objectName}: '${id}'`, { code: 'resource_missing', param });
}
