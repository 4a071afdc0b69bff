import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { billingKind, capacityOfAnswer, failedConditionUnits, meteredRequest } from './dynamodb-capacity';
import { listen, readBody } from './http-server';

/** Where the proxy listens, what it stands in front of, and where the units go. */
export interface DynamoDbMeterProxyOptions {
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** DynamoDB Local's endpoint. */
  readonly upstream: string;
  /** Told of each call: its action and the units DynamoDB on-demand would bill for it. */
  readonly record: (action: string, units: { readonly writeUnits: number; readonly readUnits: number }) => void;
}

/** The running proxy. */
export interface DynamoDbMeterProxy {
  /** What the functions' `AWS_ENDPOINT_URL_DYNAMODB` points at (or the fault proxy in front of it). */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB's JSON protocol. */
const DYNAMODB_JSON = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'DynamoDB_20120810.';
/** Larger than any DynamoDB request (an item is at most 400 KB; a batch write 16 MB). */
const BODY_LIMIT_BYTES = 17 * 1024 * 1024;

/**
 * A DynamoDB endpoint in front of DynamoDB Local that meters every call as
 * DynamoDB on-demand bills it (see `dynamodb-capacity.ts`): it asks Local for
 * `ConsumedCapacity` (and for the old item when a conditional write fails),
 * records the units, and answers the caller as if it had not asked. Local
 * does not check signatures, so the changed request still passes.
 *
 * @example
 * const meterProxy = await startDynamoDbMeterProxy({ port: 0, upstream: dynamo.endpoint, record: (action, units) => meter.dynamoCall(action, units) });
 */
export async function startDynamoDbMeterProxy(options: DynamoDbMeterProxyOptions): Promise<DynamoDbMeterProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const read = await readBody(request, BODY_LIMIT_BYTES);
    if (read === 'too-large') {
      const text = JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: 'the request is too large' });
      response.writeHead(413, { 'content-type': DYNAMODB_JSON, 'content-length': String(Buffer.byteLength(text)) });
      response.end(text);
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const kind = billingKind(action);
    const metered = kind === undefined ? undefined : meteredRequest(action, read.toString('utf8'));
    const body = metered === undefined ? read : Buffer.from(metered.body, 'utf8');
    const answer = await forward(request, body, upstream, agent);
    let text: string | undefined;
    let units = 0;
    if (metered !== undefined) {
      const original = answer.body.toString('utf8');
      const result = answer.status === 200 ? capacityOfAnswer(original, metered.addedCapacity) : failedConditionUnits(original, metered.addedOldItem);
      units = result?.units ?? 0;
      if (result !== undefined && result.body !== original) text = result.body;
    }
    if (action !== '') options.record(action, { writeUnits: kind === 'write' ? units : 0, readUnits: kind === 'read' ? units : 0 });
    if (text === undefined) {
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
      return;
    }
    const changed = Buffer.from(text, 'utf8');
    const headers: IncomingHttpHeaders = { ...answer.headers, 'content-length': String(changed.length) };
    // DynamoDB signs each answer's body with its CRC32; keep the changed one consistent.
    if (headers['x-amz-crc32'] !== undefined) headers['x-amz-crc32'] = String(crc32(changed));
    response.writeHead(answer.status, headers);
    response.end(changed);
  };
  const server = await listen(handle, { port: options.port, host: options.host, name: 'the DynamoDB meter proxy' });
  return {
    endpoint: server.url,
    stop: async () => {
      await server.stop();
      agent.destroy();
    },
  };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends the request on with `body` and reads the whole answer; an unreachable upstream answers 503, as a hung database would end. */
function forward(request: IncomingMessage, body: Buffer, upstream: URL, agent: Agent): Promise<Answer> {
  const unavailable = (message: string): Answer => ({
    status: 503,
    headers: { 'content-type': DYNAMODB_JSON },
    body: Buffer.from(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message })),
  });
  // The answer is read as text, so it must come back uncompressed; its length changes with the body.
  const { 'accept-encoding': _encoding, 'content-length': _length, ...headers } = request.headers;
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...headers, 'content-length': String(body.length) },
        agent,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: Buffer.concat(chunks) }));
        incoming.on('error', () => resolve(unavailable('upstream closed')));
      },
    );
    outgoing.on('error', (error) => resolve(unavailable(error.message)));
    outgoing.end(body);
  });
}
