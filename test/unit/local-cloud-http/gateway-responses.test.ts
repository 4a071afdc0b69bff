import { describe, expect, it } from 'vitest';
import { REFUSALS, renderRefusal, renderTemplate, type GatewayResponseSpec, type Refusal } from '../../../local/cloud/http/gateway-responses';

/** The envelope the stack's gateway responses answer with. */
const envelope = (code: string, message = '$context.error.messageString'): GatewayResponseSpec['templates'] => ({
  'application/json': `{"ok":false,"error":{"code":"${code}","message":${message}}}`,
});

function responsesOf(...specs: GatewayResponseSpec[]): Map<string, GatewayResponseSpec> {
  return new Map(specs.map((spec) => [spec.type, spec]));
}

const request = { context: { requestId: 'req-1', stage: 'v1', httpMethod: 'POST' }, requestHeaders: { origin: 'https://app.example.com' } };

describe('renderRefusal', () => {
  it("answers API Gateway's own body, byte for byte, when the stage customizes nothing", () => {
    // Act
    const answers = [REFUSALS.invalidApiKey, REFUSALS.integrationFailure, REFUSALS.eventOverLambdaLimit].map((refusal) => renderRefusal(refusal, new Map(), request));

    // Assess
    expect(answers.map((answer) => [answer.status, answer.body.toString()])).toEqual([
      [403, '{"message":"Forbidden"}'],
      [502, '{"message": "Internal server error"}'],
      [413, '{"message": "Request Too Long"}'],
    ]);
    expect(answers[0]?.headers).toEqual({ 'Content-Type': ['application/json'], 'x-amzn-ErrorType': ['ForbiddenException'] });
  });

  it("renders the type's own template with the message as a JSON string, keeping the status and the error type header", () => {
    // Prepare
    const responses = responsesOf({ type: 'THROTTLED', templates: envelope('rate_limited') });

    // Act
    const answer = renderRefusal(REFUSALS.throttled, responses, request);

    // Assess
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: false, error: { code: 'rate_limited', message: 'Too Many Requests' } });
    expect(answer.headers['x-amzn-ErrorType']).toEqual(['TooManyRequestsException']);
  });

  it('quotes a message that needs escaping so the body stays JSON', () => {
    // Prepare
    const refusal: Refusal = { type: 'INVALID_SIGNATURE', status: 403, message: 'The "signature" \\ is wrong', errorType: 'InvalidSignatureException' };

    // Act
    const answer = renderRefusal(refusal, responsesOf({ type: 'INVALID_SIGNATURE', templates: envelope('forbidden') }), request);

    // Assess
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: false, error: { code: 'forbidden', message: 'The "signature" \\ is wrong' } });
  });

  it('falls back to DEFAULT_4XX or DEFAULT_5XX by status class, keeping the refusal status unless the default sets one', () => {
    // Prepare
    const responses = responsesOf({ type: 'DEFAULT_4XX', templates: envelope('request_refused') }, { type: 'DEFAULT_5XX', statusCode: 500, templates: envelope('internal_error') });

    // Act
    const quota = renderRefusal(REFUSALS.quota, responses, request);
    const failure = renderRefusal(REFUSALS.integrationFailure, responses, request);

    // Assess
    expect([quota.status, JSON.parse(quota.body.toString())]).toEqual([429, { ok: false, error: { code: 'request_refused', message: 'Limit Exceeded' } }]);
    expect([failure.status, JSON.parse(failure.body.toString())]).toEqual([500, { ok: false, error: { code: 'internal_error', message: 'Internal server error' } }]);
  });

  it("prefers the type's own response over the default, with its status code and headers", () => {
    // Prepare
    const responses = responsesOf(
      { type: 'DEFAULT_4XX', templates: envelope('request_refused') },
      {
        type: 'MISSING_AUTHENTICATION_TOKEN',
        statusCode: 404,
        templates: envelope('forbidden', '"no such route"'),
        headers: { 'Access-Control-Allow-Origin': "'*'", 'X-Echo-Origin': 'method.request.header.Origin', 'X-Unknown': 'context.requestId' },
      },
    );

    // Act
    const answer = renderRefusal(REFUSALS.missingToken, responses, request);

    // Assess
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: false, error: { code: 'forbidden', message: 'no such route' } });
    expect(answer.headers).toMatchObject({ 'Access-Control-Allow-Origin': ['*'], 'X-Echo-Origin': ['https://app.example.com'] });
    expect(answer.headers['X-Unknown']).toBeUndefined();
  });

  it('uses the default template {"message":$context.error.messageString} for a response without templates', () => {
    // Act
    const answer = renderRefusal(REFUSALS.timeout, responsesOf({ type: 'INTEGRATION_TIMEOUT', statusCode: 503 }), request);

    // Assess
    expect([answer.status, answer.body.toString()]).toEqual([503, '{"message":"Endpoint request timed out"}']);
  });

  it('fills the validation errors, escaped for a JSON string, and the context variables the template names', () => {
    // Prepare
    const refusal: Refusal = { type: 'BAD_REQUEST_BODY', status: 400, message: 'Invalid request body', errorType: 'BadRequestException', validationErrorString: '[object has missing required properties (["data"])]' };
    const template = { 'application/json': '{"why":"$context.error.validationErrorString","type":"$context.error.responseType","id":"$context.requestId"}' };

    // Act
    const answer = renderRefusal(refusal, responsesOf({ type: 'BAD_REQUEST_BODY', templates: template }), request);

    // Assess
    expect(answer.body.toString()).toBe('{"why":"[object has missing required properties ([\\"data\\"])]","type":"BAD_REQUEST_BODY","id":"req-1"}');
    expect(JSON.parse(answer.body.toString())).toMatchObject({ why: '[object has missing required properties (["data"])]' });
  });
});

describe('renderTemplate', () => {
  it('replaces $context.x and ${context.x}, taking the longest name, and empties unknown ones', () => {
    // Act
    const text = renderTemplate('$context.error.messageString|$context.error.message|${context.stage}|$context.nope.', {
      'error.message': 'hi',
      'error.messageString': '"hi"',
      stage: 'v1',
    });

    // Assess
    expect(text).toBe('"hi"|hi|v1|.');
  });
});
