import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorBody, HttpError } from './http-error';
import { json } from './responses';

/**
 * Turns any error a route throws into the API's error envelope: an
 * {@link HttpError} keeps its status and code; anything else is logged in full
 * and answered `500 internal_error` without internals.
 */
export function jsonErrors(logger: Logger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof HttpError) {
        if (error.statusCode >= 500) logger.error('request failed', { error });
        request.response = json(error.statusCode, errorBody(error.code, error.message, error.details));
        return;
      }
      logger.error('unexpected error', { error: error ?? undefined });
      request.response = json(500, errorBody('internal_error', 'something went wrong on our side; the request can be retried'));
    },
  };
}
