import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { DYNAMODB_FAULT, type DynamoDbFault } from '../fault-hooks';
import { listen, readBody } from './http-server';

/** Where the proxy listens, what it stands in front of, and which requests it fails. */
export interface DynamoDbFaultProxyOptions {
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** DynamoDB Local's endpoint. */
  readonly upstream: string;
  /** The fault for each request, or undefined to pass it unchanged. */
  readonly faultOf: () => DynamoDbFault | undefined;
}

/** The running proxy. */
export interface DynamoDbFaultProxy {
  /** What the functions' `AWS_ENDPOINT_URL_DYNAMODB` points at. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB's JSON protocol. */
const DYNAMODB_JSON = 'application/x-amz-json-1.0';

/** Larger than any DynamoDB request (an item is at most 400 KB; a batch write 16 MB). */
const BODY_LIMIT_BYTES = 17 * 1024 * 1024;

/**
 * A DynamoDB endpoint in front of DynamoDB Local that passes every request
 * through, except those `faultOf` picks: a throttle is answered
 * (`ProvisionedThroughputExceededException`, 400) without reaching the
 * database, and an error after the write is sent on, applied, and then
 * answered `InternalServerError` (500), as DynamoDB may answer a write it did
 * commit. The SDK retries both, as it does against AWS.
 *
 * @example
 * const proxy = await startDynamoDbFaultProxy({ port: 0, upstream: dynamo.endpoint, faultOf: () => faults.dynamoDbFault() });
 */
export async function startDynamoDbFaultProxy(options: DynamoDbFaultProxyOptions): Promise<DynamoDbFaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, BODY_LIMIT_BYTES);
    if (body === 'too-large') {
      answerError(response, 413, 'ValidationException', 'the request is too large');
      return;
    }
    const fault = options.faultOf();
    if (fault === DYNAMODB_FAULT.throttle) {
      answerError(response, 400, 'ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded (injected fault)');
      return;
    }
    const answer = await forward(request, body, upstream, agent);
    if (fault === DYNAMODB_FAULT.errorAfterWrite) {
      answerError(response, 500, 'InternalServerError', 'Internal server error (injected fault, after the request was applied)');
      return;
    }
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  };
  const server = await listen(handle, { port: options.port, host: options.host, name: 'the DynamoDB fault proxy' });
  return {
    endpoint: server.url,
    stop: async () => {
      await server.stop();
      agent.destroy();
    },
  };
}

function answerError(response: ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  response.writeHead(status, { 'content-type': DYNAMODB_JSON, 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': randomUUID() });
  response.end(text);
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** Sends the request on and reads the whole answer; an unreachable upstream answers 503, as a hung database would end. */
function forward(request: IncomingMessage, body: Buffer, upstream: URL, agent: Agent): Promise<Answer> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers, agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: Buffer.concat(chunks) }));
        incoming.on('error', () => resolve({ status: 503, headers: { 'content-type': DYNAMODB_JSON }, body: Buffer.from('{"__type":"com.amazonaws.dynamodb.v20120810#ServiceUnavailable","message":"upstream closed"}') }));
      },
    );
    outgoing.on('error', (error) =>
      resolve({ status: 503, headers: { 'content-type': DYNAMODB_JSON }, body: Buffer.from(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: error.message })) }),
    );
    outgoing.end(body);
  });
}
