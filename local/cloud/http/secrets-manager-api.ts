import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson, type RunningServer } from './http-server';

/** One secret's current value. */
export interface StoredSecret {
  arn: string;
  name: string;
  value: string;
  /** The current version's id. @default - derived from the ARN and value, stable while they are */
  versionId?: string;
  /** @default - when the API started */
  createdDate?: Date;
  /** @default - none */
  description?: string;
}

/** The secrets the local cloud holds, looked up by name or ARN. */
export interface SecretStore {
  get(idOrArn: string): StoredSecret | undefined;
}

/** Where to serve Secrets Manager and from which store. */
export interface SecretsManagerApiOptions {
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  secrets: SecretStore;
  /** Receives one line per request (never a secret's value). @default - no logging */
  log?: (line: string) => void;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const CURRENT = 'AWSCURRENT';

class SecretsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'SecretsApiError';
  }
}

/**
 * Serves Secrets Manager's `GetSecretValue` and `DescribeSecret` over its JSON
 * 1.1 protocol (`X-Amz-Target: secretsmanager.<Action>`), for SDK clients
 * pointed here by `AWS_ENDPOINT_URL_SECRETS_MANAGER`. Secrets are found by
 * name or ARN through the store; each has one version, staged `AWSCURRENT`.
 * Errors have the protocol's shape (`{ __type, Message }`, status 400).
 * Signatures are not checked: the endpoint listens on the loopback interface only.
 *
 * @example
 * const api = await startSecretsManagerApi({ port: 0, secrets: { get: (id) => store.get(id) } });
 */
export async function startSecretsManagerApi(options: SecretsManagerApiOptions): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  const startedAt = new Date();
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
    const body = await readBody(request, 1024 * 1024);
    const headers = { 'x-amzn-RequestId': randomUUID() };
    try {
      const input = body === 'too-large' || body.length === 0 ? {} : parseObject(body.toString('utf8'));
      const secret = find(options.secrets, input.SecretId);
      const output =
        action === 'GetSecretValue' ? getSecretValue(secret, input, startedAt) : action === 'DescribeSecret' ? describeSecret(secret, startedAt) : undefined;
      if (output === undefined) throw new SecretsApiError('UnknownOperationException', `The local cloud does not serve ${action || 'this request'}.`);
      sendJson(response, 200, output, headers, CONTENT_TYPE);
      log(`SecretsManager ${action} ${secret.name} 200 ${Date.now() - started}ms`);
    } catch (error) {
      const known = error instanceof SecretsApiError ? error : new SecretsApiError('InternalServiceError', String(error));
      sendJson(response, known.type === 'InternalServiceError' ? 500 : 400, { __type: known.type, Message: known.message }, headers, CONTENT_TYPE);
      log(`SecretsManager ${action} ${known.type === 'InternalServiceError' ? 500 : 400} ${Date.now() - started}ms ${known.type}`);
    }
  };
  return listen(handle, { port: options.port, host: options.host, name: 'the Secrets Manager API' });
}

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretsApiError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretsApiError('SerializationException', 'The request body is not a JSON object.');
  }
  return Object.fromEntries(Object.entries(parsed));
}

function find(store: SecretStore, secretId: unknown): StoredSecret {
  if (typeof secretId !== 'string' || secretId === '') {
    throw new SecretsApiError('ValidationException', "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null");
  }
  const secret = store.get(secretId);
  if (secret === undefined) throw new SecretsApiError('ResourceNotFoundException', NOT_FOUND);
  return secret;
}

function versionOf(secret: StoredSecret): string {
  if (secret.versionId !== undefined) return secret.versionId;
  const hex = createHash('sha256').update(`${secret.arn}\n${secret.value}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function getSecretValue(secret: StoredSecret, input: Record<string, unknown>, startedAt: Date): Record<string, unknown> {
  const versionId = versionOf(secret);
  if (input.VersionId !== undefined && input.VersionId !== versionId) {
    throw new SecretsApiError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${String(input.VersionId)}`);
  }
  if (input.VersionStage !== undefined && input.VersionStage !== CURRENT) {
    throw new SecretsApiError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${String(input.VersionStage)}`);
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: versionId,
    SecretString: secret.value,
    VersionStages: [CURRENT],
    CreatedDate: (secret.createdDate ?? startedAt).getTime() / 1000,
  };
}

function describeSecret(secret: StoredSecret, startedAt: Date): Record<string, unknown> {
  const created = (secret.createdDate ?? startedAt).getTime() / 1000;
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    LastChangedDate: created,
    VersionIdsToStages: { [versionOf(secret)]: [CURRENT] },
    CreatedDate: created,
  };
}
