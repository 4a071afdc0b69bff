/**
 * The runtime inside one function instance (a worker thread): loads the
 * bundle once (the cold start), then runs one invocation at a time with a
 * Lambda `context`, and reports results and errors in Lambda's form. Not
 * imported by anything: `worker-script.ts` compiles it for `new Worker`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { serializeError, type InstanceData, type InstanceMessage, type InvokeMessage } from './lambda-protocol';

type Handler = (event: unknown, context: Context, callback: (error?: unknown, result?: unknown) => void) => unknown;

const data = workerData as InstanceData;
const port = parentPort;

/** A handler error that the runtime, not the function, raised. */
class RuntimeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** `dir/file.export` → the module path and the export name, as Lambda reads `Handler`. */
function splitHandler(handler: string): { modulePath: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot < 1) throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handler}: it must be file.export`);
  return { modulePath: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

async function loadHandler(): Promise<Handler> {
  const { modulePath, exportName } = splitHandler(data.handler);
  const base = join(data.assetDir, modulePath);
  const file = ['.js', '.mjs', '.cjs'].map((extension) => base + extension).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}' in ${data.assetDir}`);
  }
  let module: Record<string, unknown>;
  if (file.endsWith('.mjs')) {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } else {
    try {
      module = require(file) as Record<string, unknown>;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_REQUIRE_ESM') throw error;
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    }
  }
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${data.handler} is undefined or not exported`);
  }
  return handler as Handler;
}

function contextFor(message: InvokeMessage): Context {
  const unsupported = (): never => {
    throw new RuntimeError('Runtime.Unsupported', 'context.done/succeed/fail are not supported; return or throw instead');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: message.functionVersion,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: String(data.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Runs the handler whether it returns a promise or, with three parameters, calls back. */
function run(handler: Handler, event: unknown, context: Context): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown): void => (error === undefined || error === null ? resolve(result) : reject(error));
    try {
      const returned = handler(event, context, callback);
      const thenable = returned as { then?: unknown } | undefined;
      if (thenable !== undefined && thenable !== null && typeof thenable.then === 'function') {
        (returned as Promise<unknown>).then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

function send(message: InstanceMessage): void {
  port?.postMessage(message);
}

async function main(): Promise<void> {
  if (port === null) throw new Error('lambda-worker runs only as a worker thread');
  // A worker does not read NODE_OPTIONS; honour the one flag functions set there, for readable stack traces.
  if ((process.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
  const started = performance.now();
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    send({ kind: 'init-error', error: serializeError(error, 'Runtime.ImportModuleError') });
    return;
  }
  send({ kind: 'ready', initMs: Math.round(performance.now() - started) });
  port.on('message', (message: InvokeMessage) => {
    void (async () => {
      try {
        const result = await run(handler, JSON.parse(message.event) as unknown, contextFor(message));
        // Lambda answers `null` for a handler that returns nothing.
        send({ kind: 'result', requestId: message.requestId, payload: JSON.stringify(result ?? null) });
      } catch (error) {
        send({ kind: 'error', requestId: message.requestId, error: serializeError(error) });
      }
    })();
  });
}

void main();
