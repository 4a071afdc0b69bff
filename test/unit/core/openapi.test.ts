import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { DATA_SCHEMAS } from '../../../functions/core/data-schemas';
import { buildOpenApiDocument, documentedRoutes, type JsonObject } from '../../../functions/core/openapi';
import { parseCatalog } from '../../../functions/core/queue-config';
import { catalog } from '../../../lib/catalog';

const QUEUES = parseCatalog(catalog);

/** The document's operation at `method path`. */
function operation(document: JsonObject, method: string, path: string): JsonObject {
  const paths = document.paths as Record<string, Record<string, JsonObject>>;
  const found = paths[path]?.[method];
  if (found === undefined) throw new Error(`no ${method} ${path} in the document`);
  return found;
}

/** The JSON body schema an operation answers `status` with. */
function answerSchema(found: JsonObject, status: string): unknown {
  return ((found.responses as Record<string, JsonObject>)[status]?.content as Record<string, JsonObject> | undefined)?.['application/json']?.schema;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // Prepare
    const validator = new Validator();

    const document = buildOpenApiDocument({ queues: QUEUES, serverUrl: 'https://api.example.com/v1' });
    const { info: _info, ...broken } = document;

    // Act
    const result = await validator.validate({ ...document });
    const version = validator.version;
    const brokenResult = await new Validator().validate(broken);

    // Assess
    expect(result).toEqual({ valid: true });
    expect(version).toBe('3.1');
    expect(brokenResult.valid).toBe(false);
  });

  it('is also valid for a catalog without any data schema', async () => {
    // Act
    const result = await new Validator().validate({ ...buildOpenApiDocument({ queues: [{ name: 'email' }] }) });

    // Assess
    expect(result).toEqual({ valid: true });
  });

  it('declares the API key and SigV4 (as API Gateway exports it) and puts each route under its own', () => {
    // Act
    const document = buildOpenApiDocument({ queues: QUEUES });

    // Assess
    expect((document.components as JsonObject).securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      sigv4: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization', 'x-amazon-apigateway-authtype': 'awsSigv4' }),
    });
    expect(operation(document, 'post', '/jobs/{id}').security).toEqual([{ apiKey: [] }]);
    expect(operation(document, 'get', '/health/queue').security).toEqual([{ apiKey: [] }]);
    expect(operation(document, 'post', '/admin/queues/{queue}/redrive').security).toEqual([{ sigv4: [] }]);
    expect(operation(document, 'get', '/api/queue/status').security).toEqual([{ sigv4: [] }]);
    for (const [method, path] of [['get', '/health'], ['get', '/openapi.json'], ['post', '/webhook/{user_id}/{token}']]) {
      expect(operation(document, method ?? '', path ?? '').security, path).toEqual([]);
    }
  });

  it('gives each queue with a data schema its own routes, its data that schema, with the seed example', () => {
    // Act
    const document = buildOpenApiDocument({ queues: QUEUES });

    // Assess
    const body = (operation(document, 'post', '/jobs/payments').requestBody as JsonObject).content as Record<string, JsonObject>;
    expect(body['application/json']?.schema).toEqual({
      allOf: [{ $ref: '#/components/schemas/JobRequest' }, { properties: { data: { $ref: '#/components/schemas/Data.payment-intent' } } }],
    });
    const schemas = (document.components as JsonObject).schemas as Record<string, JsonObject>;
    expect(schemas['Data.payment-intent']).toMatchObject({
      type: 'object',
      required: ['intentId', 'payload'],
      properties: { payload: { properties: { amount: { type: 'number' } } } },
      examples: [DATA_SCHEMAS['payment-intent'].example],
    });
    expect(operation(document, 'post', '/jobs/payments/batch')).toBeDefined();
    // The generic route names the queues it serves: those without a schema.
    const queueParameter = (operation(document, 'post', '/jobs/{id}').parameters as JsonObject[])[0];
    expect((queueParameter?.schema as { enum: string[] }).enum.sort()).toEqual(QUEUES.filter((queue) => queue.dataSchema === undefined).map((queue) => queue.name).sort());
  });

  it('documents the batch statuses 202, 207 and 400 with each job’s result, and the error envelope', () => {
    // Act
    const document = buildOpenApiDocument({ queues: QUEUES });

    // Assess
    const batch = operation(document, 'post', '/jobs/{id}/batch');
    expect(Object.keys(batch.responses as object)).toEqual(expect.arrayContaining(['202', '207', '400', '403', '404', '413', '429']));
    expect(answerSchema(batch, '207')).toEqual({ $ref: '#/components/schemas/JobBatchResponse' });
    const schemas = (document.components as JsonObject).schemas as Record<string, JsonObject>;
    expect(schemas.JobBatchResponse).toMatchObject({ required: ['ok', 'accepted', 'rejected', 'results'] });
    expect(schemas.Error).toMatchObject({ required: ['ok', 'error'], properties: { ok: { const: false } } });
    expect(answerSchema(operation(document, 'post', '/jobs/{id}'), '400')).toEqual({ $ref: '#/components/schemas/Error' });
  });

  it('derives the request bodies from the zod schemas the functions check', () => {
    // Act
    const schemas = (buildOpenApiDocument({ queues: QUEUES }).components as JsonObject).schemas as Record<string, JsonObject>;

    // Assess
    expect(schemas.JobRequest).toMatchObject({ type: 'object', required: ['data'], additionalProperties: false, properties: { priority: expect.any(Object), run_at: expect.any(Object) } });
    expect(schemas.PaymentIntentRequest).toMatchObject({ required: ['intent_id', 'payload'] });
    expect(schemas.NewEndpointRequest).toMatchObject({ required: expect.arrayContaining(['user_id', 'url']) });
  });

  it('names each operation once', () => {
    // Act
    const ids = documentedRoutes(QUEUES).map((route) => route.operationId);

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
  });
});
