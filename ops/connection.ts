import { z } from 'zod';
import { OpsError } from './errors';
import type { SigningCredentials } from './signing';

/** Where the admin API is and how to sign for it. */
export interface Connection {
  readonly apiUrl: string;
  readonly region: string;
  readonly credentials: () => Promise<SigningCredentials>;
  /** Where the settings came from, for messages. */
  readonly source: 'local-cloud' | 'aws';
}

/** What the user passed (`--api-url`, `--region`, `--config`). */
export interface ConnectionOptions {
  readonly apiUrl?: string;
  readonly region?: string;
  /** Path of the local cloud's file. */
  readonly config: string;
}

/** What resolving a connection may read. */
export interface ConnectionSources {
  /** The file's text, or undefined when it does not exist. */
  readonly readFile: (path: string) => Promise<string | undefined>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The usual AWS credential chain (environment, profile, SSO, instance role, …). */
  readonly credentialChain: () => () => Promise<SigningCredentials>;
}

/** The part of `.local-cloud.json` the CLI reads. */
const localCloudFileSchema = z.object({
  api_url: z.url(),
  admin: z.object({ access_key_id: z.string().min(1), secret_access_key: z.string().min(1), region: z.string().min(1) }),
});

/**
 * The region of an API Gateway URL (`https://<id>.execute-api.<region>.amazonaws.com/<stage>`), if it is one.
 *
 * @example
 * regionOfApiUrl('https://abc123.execute-api.eu-west-1.amazonaws.com/prod'); // 'eu-west-1'
 */
export function regionOfApiUrl(apiUrl: string): string | undefined {
  try {
    return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(apiUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * `--api-url` with the usual credential chain when given; else the local
 * cloud's `.local-cloud.json` (its API URL and admin credentials); else an
 * error saying how to get one.
 */
export async function resolveConnection(options: ConnectionOptions, sources: ConnectionSources): Promise<Connection> {
  if (options.apiUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.apiUrl);
    } catch (error) {
      throw new OpsError(`--api-url must be a URL, got "${options.apiUrl}"`, { cause: error });
    }
    const region = options.region ?? sources.env.AWS_REGION ?? sources.env.AWS_DEFAULT_REGION ?? regionOfApiUrl(options.apiUrl);
    if (region === undefined) throw new OpsError('no region: pass --region or set AWS_REGION');
    return { apiUrl: url.toString().replace(/\/+$/, ''), region, credentials: sources.credentialChain(), source: 'aws' };
  }
  const text = await sources.readFile(options.config);
  if (text === undefined) {
    throw new OpsError(`no API to talk to: pass --api-url <url> (signing with your AWS credentials), or run \`npm start\` so that ${options.config} exists`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OpsError(`${options.config} is not JSON`, { cause: error });
  }
  const file = localCloudFileSchema.safeParse(parsed);
  if (!file.success) throw new OpsError(`${options.config} lacks api_url or admin credentials; restart \`npm start\` to rewrite it`);
  const { admin } = file.data;
  return {
    apiUrl: file.data.api_url.replace(/\/+$/, ''),
    region: options.region ?? admin.region,
    credentials: async () => ({ accessKeyId: admin.access_key_id, secretAccessKey: admin.secret_access_key }),
    source: 'local-cloud',
  };
}
