import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  MappingValidationError,
  mappingJson,
  namesFunction,
  parseMappingChange,
  transitionState,
  type MappingChange,
  type MappingState,
} from './event-source-mapping-json';
import { decodeComponent, listen, parseQuery, readBody, sendJson, splitTarget, type RunningServer } from './http-server';

export type { MappingChange, MappingState, MappingStateName } from './event-source-mapping-json';

/** The event source mappings the local cloud runs, as the control API reads and changes them. */
export interface MappingRegistry {
  /** Mappings matching the filter (an absent field matches all). */
  list(filter: { functionName?: string; eventSourceArn?: string }): MappingState[];
  get(uuid: string): MappingState | undefined;
  /** Applies the change (e.g. starts or stops the poller) and returns the new state. */
  update(
    uuid: string,
    change: { enabled?: boolean; batchSize?: number; maximumBatchingWindowInSeconds?: number; maximumConcurrency?: number },
  ): Promise<MappingState>;
}

/** Where to serve the control API and what it controls. */
export interface LambdaControlApiOptions {
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  registry: MappingRegistry;
  /** Receives one line per request. @default - no logging */
  log?: (line: string) => void;
}

const BASE = '/2015-03-31/event-source-mappings';
const NOT_FOUND = 'The resource you requested does not exist.';
const DEFAULT_MAX_ITEMS = 100;

/**
 * Serves the part of Lambda's REST API (version 2015-03-31) that manages
 * event source mappings, for SDK clients pointed here by
 * `AWS_ENDPOINT_URL_LAMBDA`: ListEventSourceMappings (filters by function
 * name or ARN, qualified or not, and event source ARN, `Marker`/`MaxItems` paging),
 * GetEventSourceMapping and UpdateEventSourceMapping (enabled, batch size,
 * batching window, maximum concurrency). Answers and errors have Lambda's
 * shapes: `x-amzn-errortype` plus `{ Type, Message }`. Signatures are not
 * checked: the endpoint listens on the loopback interface only.
 *
 * @example
 * const api = await startLambdaControlApi({ port: 0, registry });
 * process.env.AWS_ENDPOINT_URL_LAMBDA = api.url;
 */
export async function startLambdaControlApi(options: LambdaControlApiOptions): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = request.method ?? 'GET';
    const { path, rawQuery } = splitTarget(request.url);
    const body = await readBody(request, 1024 * 1024);
    const reply = (status: number, payload: unknown, errorType?: string): void => {
      const headers: Record<string, string> = { 'x-amzn-RequestId': randomUUID() };
      if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
      sendJson(response, status, payload, headers);
      log(`Lambda ${method} ${path} ${status} ${Date.now() - started}ms${errorType ? ` ${errorType}` : ''}`);
    };
    const fail = (status: number, type: string, message: string): void => reply(status, { Type: 'User', Message: message }, type);

    if (body === 'too-large') return fail(413, 'RequestTooLargeException', 'Request must be smaller than 1048576 bytes.');
    const rest = path.startsWith(BASE) ? path.slice(BASE.length) : undefined;
    if (rest === undefined) {
      return fail(404, 'UnknownOperationException', `The local cloud serves only event source mappings, not ${method} ${path}.`);
    }
    if (rest === '' || rest === '/') {
      if (method !== 'GET') return fail(404, 'UnknownOperationException', `The local cloud does not serve ${method} ${BASE}.`);
      return listMappings(options.registry, parseQuery(rawQuery), reply, fail);
    }
    const uuid = decodeComponent(rest.replace(/^\/|\/$/g, ''));
    const mapping = options.registry.get(uuid);
    if (mapping === undefined) return fail(404, 'ResourceNotFoundException', NOT_FOUND);
    if (method === 'GET') return reply(200, mappingJson(mapping));
    if (method !== 'PUT') return fail(404, 'UnknownOperationException', `The local cloud does not serve ${method} on an event source mapping.`);

    let change: MappingChange;
    try {
      change = parseMappingChange(body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
    } catch (error) {
      const message = error instanceof MappingValidationError ? error.message : 'The request body is not valid JSON.';
      return fail(400, error instanceof MappingValidationError && message.startsWith('1 validation') ? 'ValidationException' : 'InvalidParameterValueException', message);
    }
    try {
      const updated = await options.registry.update(uuid, change);
      reply(202, mappingJson(updated, transitionState(mapping, change)));
    } catch (error) {
      // The registry refuses settings Lambda refuses (e.g. a batch over 10 on FIFO); say so as Lambda does.
      const message = error instanceof Error ? error.message : String(error);
      fail(400, 'InvalidParameterValueException', message);
    }
  };
  return listen(handle, { port: options.port, host: options.host, name: 'the Lambda control API' });
}

function listMappings(
  registry: MappingRegistry,
  query: Record<string, string[]>,
  reply: (status: number, payload: unknown) => void,
  fail: (status: number, type: string, message: string) => void,
): void {
  const functionFilter = query.FunctionName?.[0];
  const eventSourceArn = query.EventSourceArn?.[0];
  const maxItems = Number(query.MaxItems?.[0] ?? DEFAULT_MAX_ITEMS);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000) {
    return fail(400, 'ValidationException', `1 validation error detected: Value '${query.MaxItems?.[0] ?? ''}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`);
  }
  const start = decodeMarker(query.Marker?.[0]);
  if (start === undefined) return fail(400, 'InvalidParameterValueException', 'Invalid Marker.');

  // The function filter is applied here, in every form Lambda takes it (see `namesFunction`), not by the registry.
  const matching = registry
    .list({ eventSourceArn })
    .filter((mapping) => (functionFilter === undefined || namesFunction(functionFilter, mapping)) && (eventSourceArn === undefined || mapping.eventSourceArn === eventSourceArn))
    .sort((a, b) => a.uuid.localeCompare(b.uuid));
  const page = matching.slice(start, start + maxItems);
  const next = start + page.length;
  reply(200, {
    EventSourceMappings: page.map((mapping) => mappingJson(mapping)),
    ...(next < matching.length ? { NextMarker: Buffer.from(JSON.stringify({ next })).toString('base64url') } : {}),
  });
}

/** The offset a `Marker` points at (0 without one), or undefined when it is not one of ours. */
function decodeMarker(marker: string | undefined): number | undefined {
  if (marker === undefined || marker === '') return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    const next = typeof parsed === 'object' && parsed !== null && 'next' in parsed ? parsed.next : undefined;
    return typeof next === 'number' && Number.isInteger(next) && next >= 0 ? next : undefined;
  } catch {
    return undefined;
  }
}
